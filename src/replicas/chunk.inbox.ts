import { STREAM_WINDOW } from './replica.protocol';

/** What a {@link ChunkInbox} tells the producer. */
export interface InboxLink {
  /** The reader took `n` chunks: the producer may send `n` more. */
  grant(n: number): void;
  /** The reader stopped before the end: the producer should stop. */
  cancel(): void;
}

/**
 * The reading end of one stream: chunks pushed as they arrive, read as an `AsyncIterable`.
 * Credits go back half a window at a time, so at most {@link STREAM_WINDOW} chunks wait here;
 * `return()` (a `for await` left early) cancels the producer. With `idleMs`, a reader that waits
 * longer than that for the next chunk gets `idleError()` and the producer is cancelled.
 * `onClose` learns once how the stream closed: `abandoned` when the reader stopped it before its
 * producer ended (an idle stream failed; it was not abandoned).
 */
export class ChunkInbox implements AsyncIterableIterator<unknown> {
  private readonly buffer: unknown[] = [];
  private head = 0;
  private unGranted = 0;
  private closed = false;
  private error?: Error;
  private waiter?: { resolve(r: IteratorResult<unknown>): void; reject(e: Error): void };
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly link: InboxLink,
    private readonly idleMs = 0,
    private readonly idleError: () => Error = () => new Error('stream idle'),
    private readonly onClose?: (abandoned: boolean) => void,
  ) {}

  /** Chunks received and not read yet. */
  get buffered(): number {
    return this.buffer.length - this.head;
  }

  /** A chunk arrived. */
  push(chunk: unknown): void {
    if (this.closed) return;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      this.clearIdle();
      this.taken();
      waiter.resolve({ value: chunk, done: false });
    } else this.buffer.push(chunk);
  }

  /** The stream ended (`error` unset) or failed; chunks already received are still read first. */
  finish(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    this.clearIdle();
    this.onClose?.(false);
    if (this.waiter && this.buffered === 0) this.settleWaiter();
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.buffered > 0) {
      const value = this.buffer[this.head];
      this.buffer[this.head++] = undefined;
      if (this.head === this.buffer.length) {
        this.buffer.length = 0;
        this.head = 0;
      }
      this.taken();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return this.error ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      if (this.idleMs > 0) this.idleTimer = setTimeout(() => this.idle(), this.idleMs);
    });
  }

  /** Stops reading: the producer is cancelled unless the stream had ended. */
  return(): Promise<IteratorResult<unknown>> {
    return this.stop(true);
  }

  /** Stops reading as {@link return} does, for a reader that needed no more (the answer to `HEAD`): not abandoned. */
  end(): Promise<IteratorResult<unknown>> {
    return this.stop(false);
  }

  private stop(abandoned: boolean): Promise<IteratorResult<unknown>> {
    if (!this.closed) {
      this.closed = true;
      this.clearIdle();
      this.link.cancel();
      this.onClose?.(abandoned);
    }
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
    this.buffer.length = 0;
    this.head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Takes every chunk already received, without waiting (the writer sends them in one write). */
  takeBuffered(): unknown[] {
    const out: unknown[] = [];
    while (this.buffered > 0) {
      out.push(this.buffer[this.head]);
      this.buffer[this.head++] = undefined;
      this.taken();
    }
    this.buffer.length = 0;
    this.head = 0;
    return out;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private taken(): void {
    if (++this.unGranted >= STREAM_WINDOW / 2 && !this.closed) {
      this.link.grant(this.unGranted);
      this.unGranted = 0;
    }
  }

  private idle(): void {
    this.idleTimer = undefined;
    if (this.closed) return;
    // Finished first: the cancel may end the stream at once, and the reader must hear why (idle, not CANCELLED).
    this.finish(this.idleError());
    this.link.cancel();
  }

  private settleWaiter(): void {
    const waiter = this.waiter!;
    this.waiter = undefined;
    if (this.error) waiter.reject(this.error);
    else waiter.resolve({ value: undefined, done: true });
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
