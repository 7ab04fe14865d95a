import type { RemoteOptions, ServeHandle, StreamOptions } from '../interfaces/serve-request.interface';
import { ServeError } from '../serve.errors';
import { messages, resultMessages, streamMessages } from '../serve.messages';
import { MAX_NESTING, nestedDeeperThan } from './clone.depth';
import type { CoalescingChannel } from './message.channel';
import { ChunkInbox } from './chunk.inbox';
import type { FromReplica, ToReplica, WireOutcome } from './replica.protocol';
import { decodeOutcome } from './result.codec';

interface Waiter {
  resolve(v: unknown): void;
  reject(e: Error): void;
  inbox?: ChunkInbox;
  streamed?: boolean;
}

type HandleMessage = Extract<ToReplica, { t: 'handle-result' | 'handle-stream' | 'handle-chunk' }>;

/**
 * The handles code in a replica makes with `getHandle()`: each call or stream travels to the app
 * as a `handle-call`; a stream's chunks come back with credits and cancel as for any stream.
 */
export class ReplicaHandles {
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;

  constructor(
    private readonly out: CoalescingChannel<FromReplica>,
    private readonly backend: string,
    private readonly replicaId: string,
    /** The id of the request whose handler runs now, if any: handle calls carry it on. */
    private readonly currentRequestId: () => string | undefined = () => undefined,
  ) {}

  /** A handle on `endpoint`. */
  handle(endpoint: string): ServeHandle {
    return {
      endpoint,
      remote: <T>(payload?: unknown, options: StreamOptions = {}) =>
        new Promise<T>((resolve, reject) => {
          const id = this.send(endpoint, payload, options, false);
          this.waiters.set(id, { resolve: resolve as (v: unknown) => void, reject });
          const { signal } = options;
          const abort = () => {
            if (!this.waiters.delete(id)) return;
            this.out.send({ t: 'handle-cancel', id });
            reject(new ServeError('CANCELLED', streamMessages.handleCancelled(endpoint)));
          };
          if (signal?.aborted) abort();
          signal?.addEventListener('abort', abort, { once: true });
        }),
      stream: <T>(payload?: unknown, options: StreamOptions = {}) => this.stream<T>(endpoint, payload, options),
    };
  }

  /** A message about a handle call arrived from the app. */
  receive(message: HandleMessage): void {
    const waiter = this.waiters.get(message.id);
    if (!waiter) return;
    if (message.t === 'handle-chunk') return waiter.inbox?.push(message.c);
    if (message.t === 'handle-stream') {
      waiter.streamed = true;
      return waiter.resolve(undefined);
    }
    this.waiters.delete(message.id);
    this.settle(waiter, message.o);
  }

  /** The handle call `id` could not be sent (`cloneError`, e.g. a `DataCloneError`). */
  unsendable(id: number, cloneError: unknown): void {
    const why = String((cloneError as Error)?.message ?? cloneError);
    const waiter = this.waiters.get(id);
    this.waiters.delete(id);
    const error = new ServeError('BAD_REQUEST', messages.notSendable('The handle payload', this.replicaId, why));
    waiter?.reject(error);
    waiter?.inbox?.finish(error);
  }

  private settle(waiter: Waiter, outcome: WireOutcome): void {
    const result = decodeOutcome(outcome, this.backend, true);
    const { inbox } = waiter;
    if (!inbox) return result.ok ? waiter.resolve(result.value) : waiter.reject(result.error);
    // A handler that did not stream answers a handle stream with its value as the one chunk.
    if (result.ok && !waiter.streamed) inbox.push(result.value);
    inbox.finish(result.ok ? undefined : result.error);
    waiter.resolve(undefined);
  }

  private async *stream<T>(endpoint: string, payload: unknown, options: StreamOptions): AsyncGenerator<T> {
    const id = this.send(endpoint, payload, options, true);
    const inbox = new ChunkInbox({
      grant: (n) => this.out.send({ t: 'handle-credit', id, n }),
      cancel: () => {
        if (this.waiters.delete(id)) this.out.send({ t: 'handle-cancel', id });
      },
    });
    let waiter!: Waiter;
    const started = new Promise<unknown>((resolve, reject) =>
      this.waiters.set(id, (waiter = { resolve, reject, inbox })),
    );
    const abort = () => {
      void inbox.return();
      waiter.reject(new ServeError('CANCELLED', streamMessages.handleCancelled(endpoint)));
    };
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      await started;
      for await (const chunk of inbox) yield chunk as T;
    } finally {
      options.signal?.removeEventListener('abort', abort);
      await inbox.return();
    }
  }

  /** Queues the handle call; throws when its payload could not be decoded in the app (see {@link MAX_NESTING}). */
  private send(endpoint: string, payload: unknown, options: RemoteOptions, stream: boolean): number {
    if (nestedDeeperThan(payload)) {
      const why = resultMessages.nestedTooDeep(MAX_NESTING);
      throw new ServeError('BAD_REQUEST', messages.notSendable('The handle payload', this.replicaId, why));
    }
    const id = this.nextId++;
    const opts = {
      method: options.method,
      shardKey: options.shardKey,
      requestId: options.requestId ?? this.currentRequestId(),
    };
    this.out.send({ t: 'handle-call', id, endpoint, payload, options: opts, ...(stream ? { stream } : {}) });
    return id;
  }
}
