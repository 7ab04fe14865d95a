import type { WireOutcome } from '../replicas/replica.protocol';
import type { ReplicaSlot } from '../router/replica.scheduler';
import { MAX_NOT_STARTED_RETRIES, mayRetry, type RouterJob } from './router.job';

/** First pause after a replica refused a call; doubled at each refusal in a row, up to the last. */
const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 100;

/**
 * Which answered calls the router takes back to send again: those that never reached a replica
 * (at most {@link MAX_NOT_STARTED_RETRIES} times), and those a replica refused. Replica-side
 * admission, seen from the router: a shared replica (on a replica host, used by
 * several app instances) that is full refuses a call at once without running it. The router
 * takes the call back (it is queued first, never lost, never answered twice) and leaves that
 * replica alone for a short pause, doubled at each refusal in a row (with jitter, so instances do
 * not retry in step), then looks at its queue again.
 */
export class CallRetry {
  /** Calls refused by full replicas so far. */
  refusals = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  /** `wake` is called when a pause ends: the router sends queued calls again. */
  constructor(private readonly wake: () => void) {}

  /** True when `job`, answered `outcome` by `slot`, is to be sent again; it is then marked queued. */
  takesBack(slot: ReplicaSlot, job: RouterJob, outcome: WireOutcome): boolean {
    // A refusal is taken back whatever the retries so far: it never ran.
    const refused = this.refused(slot, outcome) && !job.settled;
    if (!refused && !mayRetry(job, outcome, MAX_NOT_STARTED_RETRIES)) return false;
    if (!refused) job.retries++;
    job.queued = true;
    return true;
  }

  /** True when `outcome` is a refusal: `slot` pauses. Any other answer ends its run of refusals. */
  refused(slot: ReplicaSlot, outcome: WireOutcome): boolean {
    if (outcome.ok || outcome.e.refused !== true) {
      if (slot.refusedInARow) slot.refusedInARow = 0;
      return false;
    }
    this.refusals++;
    const streak = (slot.refusedInARow = (slot.refusedInARow ?? 0) + 1);
    const pause = Math.min(FIRST_PAUSE_MS * 2 ** (streak - 1), LONGEST_PAUSE_MS) * (0.75 + Math.random() / 2);
    slot.refusedUntil = performance.now() + pause;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wake();
    }, Math.ceil(pause));
    timer.unref();
    this.timers.add(timer);
    return true;
  }

  /** Cancels the pending wake-ups (the router closed). */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
