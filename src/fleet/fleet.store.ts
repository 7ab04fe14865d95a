import type { FleetBeat, FleetInstance, FleetState, StoredFleetState } from './fleet.state';

/** A watch started on the store; `stop()` ends it. */
export interface FleetWatch {
  stop(): void;
  /** Resolves when the watch ended (stopped, or broken by a reconnect or a server restart). */
  readonly ended: Promise<void>;
}

/**
 * The one boundary between the fleet's logic and where its state is kept (NATS JetStream's
 * key-value store in `cluster/`, a fake in unit tests). Writes are compare-and-set: a write
 * against a revision that is no longer the latest throws {@link RevisionConflict}.
 */
export interface FleetStore {
  /** The desired state now, or undefined when none was ever written. */
  read(): Promise<StoredFleetState | undefined>;
  /** Writes the first desired state; throws RevisionConflict when one exists already. */
  create(state: FleetState): Promise<number>;
  /** Writes `state` if the latest revision is still `revision`; resolves with the new revision. */
  update(state: FleetState, revision: number): Promise<number>;
  /** Calls `seen` with every desired state written after `afterRevision` (and the latest one). */
  watch(afterRevision: number, seen: (stored: StoredFleetState) => void): Promise<FleetWatch>;
  /** Stores this instance's heartbeat. */
  beat(beat: FleetBeat): Promise<void>;
  /** Removes an instance's heartbeat (it is closing). */
  forget(id: string): Promise<void>;
  /** Every instance's heartbeat stored now (expired ones are gone): what the CLI shows and waits on. */
  instances(): Promise<FleetInstance[]>;
  /** Calls `seen` with every instance's heartbeat now and as they come (`undefined`: it left). */
  watchInstances(seen: (id: string, instance: FleetInstance | undefined) => void): Promise<FleetWatch>;
}
