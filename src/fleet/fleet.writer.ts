import { ServeError, isServeError } from '../serve.errors';
import { fleetMessages } from '../messages/fleet.messages';
import type { FleetChange } from './fleet.change';
import type { StoredFleetState } from './fleet.state';
import type { FleetStore } from './fleet.store';
import { decideRebase } from './rebase.decision';
import { RevisionConflict } from './revision.conflict';

const MAX_ATTEMPTS = 10;

/**
 * Writes one change with compare-and-set on the revision it was checked against. When another
 * instance wrote meanwhile, {@link decideRebase} says whether the change can be re-applied on the
 * newer state (it touches other entities: retried transparently) or conflicts (a CONFLICT
 * ServeError, 409, naming the revision; nothing written).
 */
export class FleetWriter {
  constructor(private readonly store: FleetStore) {}

  /** Resolves with the state written and its revision. */
  async write(change: FleetChange, base: StoredFleetState): Promise<StoredFleetState> {
    let current = base;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const next = change.apply(current.state);
      try {
        return { revision: await this.store.update(next, current.revision), state: next };
      } catch (err) {
        if (!(err instanceof RevisionConflict)) throw storeError(change.what, err);
      }
      const latest = await this.store.read().catch((err: unknown) => {
        throw storeError(change.what, err);
      });
      if (!latest)
        throw new ServeError('CONFLICT', fleetMessages.conflict(change.what, 'the whole state', 0, base.revision));
      const decision = decideRebase(base.state, latest.state, change.touches, change.needs);
      if (!decision.retry)
        throw new ServeError(
          'CONFLICT',
          fleetMessages.conflict(change.what, decision.entity, latest.revision, base.revision),
        );
      current = latest;
    }
    throw new ServeError('CONFLICT', fleetMessages.tooManyRetries(change.what, MAX_ATTEMPTS));
  }
}

/**
 * A store failure as the caller's error: the state too large for one NATS message, or NATS not
 * answering. Any other failure (a permission, a deleted bucket) is passed on as it is: it says more.
 */
function storeError(what: string, err: unknown): unknown {
  if (isServeError(err)) return err;
  const why = (err as Error)?.message ?? String(err);
  if (/max_payload|maximum payload/i.test(why))
    return new ServeError('PAYLOAD_TOO_LARGE', fleetMessages.storeTooLarge(what, why));
  if (
    /timeout|timed out|no responders|disconnect|connection closed/i.test(why) ||
    (err as Error)?.name === 'TimeoutError'
  )
    return new ServeError('TIMEOUT', fleetMessages.storeUnreachable(what, why));
  return err;
}
