/**
 * Coalesces the messages of one event-loop turn into one post: the cost of crossing a thread or
 * process boundary is per message, so requests (and results) that arrive together travel together.
 */
export class CoalescingChannel<M> {
  private buffer: M[] = [];
  private scheduled = false;
  private firstAt = 0;

  /**
   * @param post sends an array of messages; may throw (e.g. a value that cannot be cloned).
   * @param unsendable called for each message that could not be sent on its own either.
   */
  constructor(
    private readonly post: (batch: M[]) => void,
    private readonly unsendable: (message: M, error: unknown) => void,
  ) {}

  /** Queues a message for the end of this turn. */
  send(message: M): void {
    if (this.buffer.push(message) === 1) this.firstAt = performance.now();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Sends what is queued now. */
  readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.buffer;
    if (batch.length === 0) return;
    this.buffer = [];
    postEach(batch, this.post, this.unsendable);
  };

  /**
   * Sends now if the oldest queued message has waited `ms` or more: a turn spent in slow
   * synchronous work then does not hold back the results it already has.
   */
  flushIfOlderThan(ms: number): void {
    if (this.buffer.length > 0 && performance.now() - this.firstAt >= ms) this.flush();
  }

  /** Drops what is queued and returns it (e.g. when the other side is gone). */
  takeUnsent(): M[] {
    const batch = this.buffer;
    this.buffer = [];
    return batch;
  }
}

/**
 * Posts a batch whole; if that throws, posts its messages one by one, so one message that cannot
 * be sent (not cloneable, too large) fails alone and the others still go.
 */
export function postEach<M>(
  batch: M[],
  post: (batch: M[]) => void,
  unsendable: (message: M, error: unknown) => void,
): void {
  try {
    post(batch);
  } catch {
    for (const message of batch) {
      try {
        post([message]);
      } catch (error) {
        unsendable(message, error);
      }
    }
  }
}
