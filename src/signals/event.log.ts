import type { ServeEvent } from '../interfaces/serve-status.interface';
import type { Clock } from './rolling.window';

/** An event as recorded: everything but the time, which the log stamps. */
export type ServeEventInput = ServeEvent extends infer E ? (E extends ServeEvent ? Omit<E, 'at'> : never) : never;

/**
 * The last events of every backend (replica started, died and why, restarted, config rolled out,
 * scaled, rollout steps), in a bounded ring: old events drop off, memory stays flat however long
 * the app runs.
 */
export class EventLog {
  private readonly ring: (ServeEvent | undefined)[];
  private next = 0;
  private size = 0;

  /**
   * @param capacity events kept in all (default 500).
   * @param clock milliseconds now.
   */
  constructor(
    readonly capacity = 500,
    private readonly clock: Clock = Date.now,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('EventLog: capacity must be an integer ≥ 1.');
    this.ring = new Array<ServeEvent | undefined>(capacity);
  }

  /** Records an event, stamped with the time now; returns it. */
  record(event: ServeEventInput): ServeEvent {
    const stamped = { ...event, at: this.clock() } as ServeEvent;
    this.ring[this.next] = stamped;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    return stamped;
  }

  /** The last `limit` events, oldest first; only those of `backend` if given. */
  recent(limit = this.capacity, backend?: string): ServeEvent[] {
    const out: ServeEvent[] = [];
    for (let i = 1; i <= this.size && out.length < limit; i++) {
      const event = this.ring[(this.next - i + this.capacity) % this.capacity]!;
      if (backend === undefined || event.backend === backend) out.push(event);
    }
    return out.reverse();
  }

  /** Drops the events of a deleted backend. */
  forget(backend: string): void {
    const kept = this.recent().filter((event) => event.backend !== backend);
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
    for (const event of kept) {
      this.ring[this.next] = event;
      this.next = (this.next + 1) % this.capacity;
      this.size++;
    }
  }
}
