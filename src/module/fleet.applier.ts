import { diffFleetState, type FleetStep } from '../fleet/fleet.diff';
import type { FleetEntityKey, FleetState, StoredFleetState } from '../fleet/fleet.state';
import { fleetMessages } from '../messages/fleet.messages';
import type { FleetRecords } from './fleet.records';
import type { ServeChanges } from './serve.changes';
import { ownEntry } from '../utils/object.util';

/** A step this instance could not apply. */
export interface FleetApplyError {
  step: string;
  /** The entity the step changes. */
  key: FleetEntityKey;
  error: Error;
}

/**
 * Brings this instance to a desired state: the diff from the state it applied last, each step
 * through {@link ServeChanges} (the path a local change takes). Idempotent: the same state twice
 * is no step; an older revision is skipped. A step that fails is logged and leaves its entity as
 * it was applied, so the next revision tries it again. Callers hold the ChangeLock.
 */
export class FleetApplier {
  private current: StoredFleetState;
  private stored: StoredFleetState;
  /** Called after each revision applied (the rollouts follow the state from there). */
  onApplied?: (applied: StoredFleetState) => void;

  constructor(
    private readonly changes: ServeChanges,
    private readonly records: FleetRecords,
    private readonly instance: () => string,
    initial: FleetState,
  ) {
    this.current = { revision: 0, state: initial };
    this.stored = this.current;
  }

  /** The revision applied last and the state this instance runs. */
  get applied(): StoredFleetState {
    return this.current;
  }

  /**
   * The desired state of the revision applied last, as stored. It differs from {@link applied}
   * by the steps that failed here, so changes are written from it: a change written from this
   * instance's own view would drop, for every instance, what it alone could not run.
   */
  get desired(): StoredFleetState {
    return this.stored;
  }

  /** Applies `desired` unless it is older than what runs; resolves with the steps that failed. */
  async apply(desired: StoredFleetState): Promise<FleetApplyError[]> {
    if (desired.revision <= this.current.revision && this.current.revision > 0) return [];
    const running = structuredClone(this.current.state);
    const errors: FleetApplyError[] = [];
    for (const step of diffFleetState(running, desired.state)) {
      try {
        await this.run(step, running);
        settle(running, desired.state, keyOf(step));
      } catch (err) {
        errors.push({ step: `${step.kind}('${step.name}')`, key: keyOf(step), error: err as Error });
      }
    }
    running.seeded = [...desired.state.seeded];
    if (desired.state.rollouts) running.rollouts = structuredClone(desired.state.rollouts);
    else delete running.rollouts;
    if (desired.state.autoscaling) running.autoscaling = structuredClone(desired.state.autoscaling);
    else delete running.autoscaling;
    this.current = { revision: desired.revision, state: running };
    this.stored = desired;
    this.onApplied?.(this.current);
    return errors;
  }

  /** The message of a failed step, naming this instance and the revision. */
  describe(failure: FleetApplyError, revision: number): string {
    return fleetMessages.applyFailed(this.instance(), revision, failure.step, failure.error.message);
  }

  private async run(step: FleetStep, running: FleetState): Promise<void> {
    switch (step.kind) {
      case 'deleteEndpoint':
        return this.changes.deleteEndpoint(step.name);
      case 'createBackend':
        return this.changes.createBackend(this.records.definition(step.name, step.backend), step.backend.config);
      case 'replaceBackend':
        return this.changes.replaceBackend(this.records.definition(step.name, step.backend), step.backend.config);
      case 'updateBackend':
        return this.changes.updateBackend(step.name, step.update);
      case 'putEndpoint':
        return this.changes.putEndpoint(step.name, step.endpoint, !ownEntry(running.endpoints, step.name));
      case 'deleteBackend':
        return this.changes.deleteBackend(step.name);
    }
  }
}

function keyOf(step: FleetStep): FleetEntityKey {
  return step.kind.endsWith('Endpoint') ? `endpoint:${step.name}` : `backend:${step.name}`;
}

/** Records in `running` that entity `key` is now as `desired` has it. */
function settle(running: FleetState, desired: FleetState, key: FleetEntityKey): void {
  const name = key.slice(key.indexOf(':') + 1);
  const [from, to] = key.startsWith('backend:')
    ? [desired.backends, running.backends as Record<string, unknown>]
    : [desired.endpoints, running.endpoints as Record<string, unknown>];
  const value = ownEntry<unknown>(from, name);
  if (value === undefined) delete to[name];
  else to[name] = structuredClone(value);
}
