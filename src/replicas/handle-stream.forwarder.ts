import type { RemoteOptions } from '../interfaces/serve-request.interface';
import { ServeStream } from './serve.stream';
import { ChunkOutbox } from './chunk.outbox';
import type { CoalescingChannel } from './message.channel';
import type { ReplicaEvents } from './replica.interface';
import type { ToReplica, WireOutcome } from './replica.protocol';
import { failure } from './result.codec';

interface Forwarded {
  outbox?: ChunkOutbox;
  abort: AbortController;
}

/**
 * In the app, the handle calls of one replica (`getHandle(ep).remote()` / `.stream()` inside the
 * replica): a stream's chunks go to the replica within its window, then every call's end as
 * `handle-result`; the replica's credits and cancels (its caller's signal) come back here.
 */
export class HandleStreamForwarder {
  private readonly streams = new Map<number, Forwarded>();

  constructor(
    private readonly channel: CoalescingChannel<ToReplica>,
    private readonly events: ReplicaEvents,
    private readonly isGone: () => boolean,
  ) {}

  /** The replica asked for handle stream `id`. */
  open(id: number, endpoint: string, payload: unknown, options: RemoteOptions): void {
    const entry: Forwarded = { abort: new AbortController() };
    this.streams.set(id, entry);
    void this.events.handleStream(endpoint, payload, { ...options, signal: entry.abort.signal }).then((answer) => {
      if (!ServeStream.is(answer)) return this.end(id, answer);
      if (!this.streams.has(id)) return void answer.cancel();
      const { status, headers } = answer;
      entry.outbox = new ChunkOutbox(
        answer[Symbol.asyncIterator](),
        () => this.channel.send({ t: 'handle-stream', id, s: status, h: headers }),
        (c) => this.channel.send({ t: 'handle-chunk', id, c }),
      );
      entry.outbox.run().then(
        () => this.end(id, { ok: true, v: { v: undefined } }),
        (err) => this.end(id, failure(err)),
      );
    });
  }

  /** The replica called `remote()`: answers it with `handle-result`, unless the replica cancels it first. */
  call(id: number, endpoint: string, payload: unknown, options: RemoteOptions): void {
    const entry: Forwarded = { abort: new AbortController() };
    this.streams.set(id, entry);
    void this.events
      .handleCall(endpoint, payload, { ...options, signal: entry.abort.signal })
      .then((o) => this.end(id, o));
  }

  /** The replica read `n` more chunks of `id`. */
  credit(id: number, n: number): void {
    this.streams.get(id)?.outbox?.credit(n);
  }

  /** The replica stopped reading `id` (or, with `error`, a chunk could not reach it). */
  cancel(id: number, error?: Error): void {
    const entry = this.streams.get(id);
    if (!entry) return;
    entry.abort.abort();
    entry.outbox?.cancel();
    if (error) this.end(id, failure(error));
    this.streams.delete(id);
  }

  /** The replica is gone: stop reading every stream. */
  closeAll(): void {
    for (const id of [...this.streams.keys()]) this.cancel(id);
  }

  private end(id: number, o: WireOutcome): void {
    if (this.streams.delete(id) && !this.isGone()) this.channel.send({ t: 'handle-result', id, o });
  }
}
