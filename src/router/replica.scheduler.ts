import type { ModelReport } from './model.report';

/** What the scheduler knows of one replica. */
export interface ReplicaSlot {
  /** Replica id, e.g. `sentiment#2`. */
  readonly id: string;
  /** Requests sent to the replica and not yet answered. */
  inFlight: number;
  /** False while the replica starts, reconfigures, drains or is gone: it gets no new request. */
  accepting: boolean;
  /** `performance.now()` until which it gets nothing: it refused a call, being full (a shared replica). */
  refusedUntil?: number;
  /** Calls it refused in a row. */
  refusedInARow?: number;
}

/**
 * Picks the replica for the next request: among those accepting and below
 * `maxConcurrentQueries` and not pausing after a refusal, the one with the fewest requests in
 * flight; ties are taken in turn, so even one-at-a-time traffic reaches every replica. Pure
 * bookkeeping, no I/O.
 */
export class ReplicaScheduler<S extends ReplicaSlot = ReplicaSlot> {
  private readonly slots: S[] = [];
  private cursor = 0;

  constructor(public maxConcurrentQueries: number) {}

  /** Every slot, in the order they were added. */
  get all(): readonly S[] {
    return this.slots;
  }

  /** Adds a replica. */
  add(slot: S): void {
    this.slots.push(slot);
  }

  /** Removes a replica. */
  remove(slot: S): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (this.cursor > index) this.cursor--;
  }

  /**
   * The replica for the next request, or undefined when none has room. `modelId` is the model the
   * request names (a multiplexed backend's scheduler routes by it; this one ignores it).
   */
  pick(modelId?: string): S | undefined;
  pick(): S | undefined {
    const n = this.slots.length;
    let best: S | undefined;
    let bestIndex = -1;
    let now: number | undefined;
    for (let k = 0; k < n; k++) {
      const index = (this.cursor + k) % n;
      const slot = this.slots[index];
      if (!slot.accepting || slot.inFlight >= this.maxConcurrentQueries) continue;
      if (slot.refusedUntil !== undefined && slot.refusedUntil > (now ??= performance.now())) continue;
      if (!best || slot.inFlight < best.inFlight) {
        best = slot;
        bestIndex = index;
        if (slot.inFlight === 0) break;
      }
    }
    if (best) this.cursor = (bestIndex + 1) % n;
    return best;
  }

  /**
   * A request sent to `slot` was answered; `modelId` and `report` are its model and what the
   * replica said about its models (a multiplexed backend's scheduler keeps track; this one does not).
   */
  finished(slot: S, modelId?: string, report?: ModelReport): void;
  finished(): void {}

  /**
   * Queued requests the router may pass over to send a later one (0: strict FIFO). A multiplexed
   * backend's scheduler may refuse a request whose model loads on a full replica, while it could
   * place the requests behind it.
   */
  get mayPass(): number {
    return 0;
  }

  /** Requests in flight over every replica. */
  get inFlight(): number {
    let total = 0;
    for (const slot of this.slots) total += slot.inFlight;
    return total;
  }
}
