/**
 * A streaming handler's answer as the app holds it: the status and headers it sent with its first
 * chunk, and its chunks, read once as an `AsyncIterable`. Leaving a `for await` early cancels the
 * handler (its generator's `finally` runs in the replica).
 */
export class ServeStream<TChunk = unknown> implements AsyncIterable<TChunk> {
  constructor(
    /** HTTP status (200 unless a `ServeResponse` said otherwise). */
    readonly status: number,
    /** Headers of a `ServeResponse`, else none. */
    readonly headers: Record<string, string>,
    private readonly chunks: AsyncIterator<unknown>,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<TChunk> {
    return this.chunks as AsyncIterator<TChunk>;
  }

  /** Chunks already received, taken without waiting (none for a source that cannot tell). */
  takeBuffered(): unknown[] {
    const source = this.chunks as { takeBuffered?: () => unknown[] };
    return source.takeBuffered ? source.takeBuffered() : [];
  }

  /** Reads the stream to its end and drops it (a shadow copy's answer); a failure is swallowed: nobody waits for it. */
  async drain(): Promise<void> {
    try {
      for await (const chunk of this) void chunk;
    } catch {
      // counted by its backend; answers nobody
    }
  }

  /** Stops reading; the producer is cancelled. */
  async cancel(): Promise<void> {
    await this.chunks.return?.();
  }

  /** Stops reading because the answer needs no more (the head of a `HEAD`): the producer is cancelled, the request counts as answered. */
  async end(): Promise<void> {
    const source = this.chunks as { end?: () => Promise<unknown> };
    await (source.end ? source.end() : this.chunks.return?.());
  }

  /** True for a {@link ServeStream}. */
  static is(value: unknown): value is ServeStream {
    return value instanceof ServeStream;
  }
}
