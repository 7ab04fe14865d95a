import { ServeResponse } from '../http/serve-response';
import { ServeError } from '../serve.errors';
import { streamMessages } from '../serve.messages';
import { ChunkOutbox, isAsyncIterable } from './chunk.outbox';
import type { CoalescingChannel } from './message.channel';
import type { FromReplica, WireError, WireOutcome } from './replica.protocol';
import type { ServeRequest } from '../interfaces/serve-request.interface';
import { Unsendable, encodeResult, failure, sendable } from './result.codec';
import { checkResponse } from './response.check';

/** A call running in the replica: its signal (made when first read), and its stream once it streams. */
interface Running {
  controller?: AbortController;
  /** Why the call was cancelled, for a signal first read after that. */
  abortReason?: ServeError;
  outbox?: ChunkOutbox;
  cancelled?: boolean;
  /** The error that ends the stream, broken on the replica's side (a chunk that cannot be sent). */
  broken?: WireError;
}

/** Where a request finds the call it belongs to, for its lazy `signal`. */
const RUNNING = Symbol('nestjs-serve.running');
type RequestWithRunning = ServeRequest & { [RUNNING]: Running };

/** The signal of the call `running`; made on first read, already aborted when the call was cancelled before. */
function signalOf(running: Running): AbortSignal {
  if (!running.controller) {
    running.controller = new AbortController();
    if (running.abortReason) running.controller.abort(running.abortReason);
  }
  return running.controller.signal;
}

/**
 * `request.signal` as an own enumerable property (spread and `Object.keys` see it, as a plain value),
 * made only when the handler reads it: an `AbortController` costs about 2 µs, most handlers never look.
 * Assigning it replaces it with a plain value. Shared by every request, so no closure per call.
 */
const LAZY_SIGNAL: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: RequestWithRunning): AbortSignal {
    return signalOf(this[RUNNING]);
  },
  set(this: RequestWithRunning, value: AbortSignal | undefined): void {
    Object.defineProperty(this, 'signal', { value, writable: true, enumerable: true, configurable: true });
  },
};

/**
 * The calls running in a replica: gives each its `AbortSignal`, streams an async-iterable answer
 * (head with the first chunk, chunks within the window, the `result` as its end), and cancels a
 * call when the app says its caller is gone.
 */
export class ReplicaStreams {
  private readonly running = new Map<number, Running>();
  /** Streams a chunk of which could not be sent, by id, until their end goes out as this error. */
  private readonly broken = new Map<number, WireError>();

  /**
   * @param finish ends call `id` with `outcome` (the runtime's own accounting, then {@link end}).
   * @param sent called after each chunk is queued, to flush a turn held by slow synchronous work.
   */
  constructor(
    private readonly out: CoalescingChannel<FromReplica>,
    private readonly backend: string,
    private readonly finish: (id: number, outcome: WireOutcome) => void,
    private readonly sent: () => void,
  ) {}

  /** Call `id` starts: gives `request` its `signal`, aborted when the call is cancelled. */
  begin(id: number, request: ServeRequest): void {
    const running: Running = {};
    this.running.set(id, running);
    (request as RequestWithRunning)[RUNNING] = running;
    Object.defineProperty(request, 'signal', LAZY_SIGNAL);
  }

  /**
   * A handler's value: sent as the answer (refused, naming `method`, when it would not arrive as
   * returned), or streamed when it is an async iterable (alone or as a `ServeResponse` body).
   */
  answer(id: number, value: unknown, method: string): void {
    let response: ServeResponse | undefined;
    let iterator: AsyncIterator<unknown> | undefined;
    try {
      response = ServeResponse.is(value) ? value : undefined;
      const body = response ? response.body : value;
      // A status or header HTTP cannot send would fail at the app once streaming: encodeResult refuses it.
      if (isAsyncIterable(body) && !(response && checkResponse(response))) iterator = body[Symbol.asyncIterator]();
    } catch {
      // A Proxy or a getter that throws: encodeResult names it.
    }
    const running = this.running.get(id);
    if (!iterator || !running) return this.finish(id, encodeResult(value, this.backend, method));
    const outbox = new ChunkOutbox(
      iterator,
      () => this.out.send({ t: 'stream', id, s: response?.status ?? 200, h: response?.headers ?? {} }),
      (chunk) => {
        const c = sendable(chunk, this.backend, method, 'chunk');
        if (c instanceof Unsendable) return this.cancel(id, c.e);
        this.out.send({ t: 'chunk', id, c });
        this.sent();
      },
    );
    running.outbox = outbox;
    if (running.cancelled) outbox.cancel();
    outbox.run().then(
      () => this.finish(id, { ok: true, v: { v: undefined } }),
      (err) => this.finish(id, failure(err)),
    );
  }

  /** Whether the app cancelled call `id` (its caller timed out or left). */
  cancelled(id: number): boolean {
    return this.running.get(id)?.cancelled === true;
  }

  /** The app read `n` chunks of call `id`. */
  credit(id: number, n: number): void {
    this.running.get(id)?.outbox?.credit(n);
  }

  /**
   * The caller of call `id` is gone (or, with `broken`, a chunk could not be sent and the stream
   * ends with that error): aborts the call's signal and closes its stream; it ends when its handler returns.
   */
  cancel(id: number, broken?: WireError): void {
    const running = this.running.get(id);
    if (!running || running.cancelled) return;
    running.cancelled = true;
    running.broken = broken;
    const reason = broken ? broken.message : streamMessages.requestCancelled(this.backend);
    running.abortReason = new ServeError('CANCELLED', reason);
    running.controller?.abort(running.abortReason);
    running.outbox?.cancel();
  }

  /** Call `id` ended: what to send the app, or nothing when the app had cancelled it. */
  end(id: number, outcome: WireOutcome): WireOutcome | undefined {
    const running = this.running.get(id);
    this.running.delete(id);
    if (running?.broken) return { ok: false, e: running.broken };
    if (running?.cancelled) this.broken.delete(id);
    return running?.cancelled ? undefined : outcome;
  }

  /**
   * A chunk of stream `id` could not be sent (cloning it threw): the stream ends with `error`, also
   * when its later chunks and its end are already queued behind it (see {@link unbroken}).
   */
  chunkUnsendable(id: number, error: WireError): void {
    this.broken.set(id, error);
    this.cancel(id, error);
  }

  /** `batch` without the chunks of broken streams, and with their end as the error. */
  unbroken(batch: FromReplica[]): FromReplica[] {
    if (this.broken.size === 0) return batch;
    const kept: FromReplica[] = [];
    for (const message of batch) {
      const error = (message.t === 'chunk' || message.t === 'result') && this.broken.get(message.id);
      if (!error) kept.push(message);
      else if (message.t === 'result') {
        this.broken.delete(message.id);
        kept.push({ t: 'result', id: message.id, o: { ok: false, e: error } });
      }
    }
    return kept;
  }
}
