import { STREAM_WINDOW } from './replica.protocol';

/**
 * The producing end of one stream: pulls chunks from an async iterator while it has credits
 * (a window of {@link STREAM_WINDOW}, refilled by {@link credit}), so a slow reader pauses the
 * producer at its `yield`. {@link cancel} closes the iterator (`return()`, so a generator's
 * `finally` runs) and ends {@link run}.
 */
export class ChunkOutbox {
  private credits = STREAM_WINDOW;
  private cancelled = false;
  private wake?: () => void;
  private started = false;

  /**
   * @param first called once, before the first chunk is sent or at the end of an empty stream.
   * @param send called for each chunk, in order.
   */
  constructor(
    private readonly iterator: AsyncIterator<unknown>,
    private readonly first: () => void,
    private readonly send: (chunk: unknown) => void,
  ) {}

  /** True once {@link cancel} was called. */
  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** The reader may take `n` more chunks. */
  credit(n: number): void {
    this.credits += n;
    this.resume();
  }

  /** The reader is gone: close the iterator now and stop. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.resume();
    void Promise.resolve(this.iterator.return?.()).catch(() => undefined);
  }

  /** Sends every chunk; resolves at the end (or on cancel), rejects with the iterator's error. */
  async run(): Promise<void> {
    for (;;) {
      if (this.credits <= 0) await new Promise<void>((resolve) => (this.wake = resolve));
      if (this.cancelled) return;
      const step = await this.iterator.next();
      if (this.cancelled) return;
      if (!this.started) {
        this.started = true;
        this.first();
      }
      if (step.done) return;
      this.credits--;
      this.send(step.value);
    }
  }

  private resume(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** True for what a streaming handler returns: an async iterable that is not a plain value. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}
