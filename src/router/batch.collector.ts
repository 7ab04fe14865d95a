/** What the collector asks its owner to do next. */
export type BatchAction = { run: true } | { run: false; waitMs?: number };

/**
 * Groups calls of one `@Batch()` method: a batch runs when it is full, or when its oldest call
 * has waited `waitMs`. One batch runs at a time, so the next one fills while it runs. Pure: the
 * owner keeps the clock and the timer.
 */
export class BatchCollector<T> {
  private queue: { item: T; at: number }[] = [];
  private running = false;

  constructor(
    public maxBatchSize: number,
    public waitMs: number,
  ) {}

  /** Calls waiting for a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Adds a call that arrived at time `now`; ask {@link next} what to do. */
  add(item: T, now: number): void {
    this.queue.push({ item, at: now });
  }

  /** What to do at time `now`, e.g. when a timer fires or a batch finished. */
  next(now: number): BatchAction {
    if (this.running || this.queue.length === 0) return { run: false };
    if (this.queue.length >= this.maxBatchSize) return { run: true };
    const waited = now - this.queue[0].at;
    return waited >= this.waitMs ? { run: true } : { run: false, waitMs: this.waitMs - waited };
  }

  /** Takes the next batch and marks it running; call {@link done} when it finishes. */
  take(): T[] {
    this.running = true;
    return this.queue.splice(0, this.maxBatchSize).map((entry) => entry.item);
  }

  /** Marks the running batch finished. */
  done(): void {
    this.running = false;
  }
}
