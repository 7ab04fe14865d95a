import type { ServeHandle, StreamOptions } from '../interfaces/serve-request.interface';
import { ServeStream } from '../replicas/serve.stream';
import type { CallResult } from '../replicas/result.codec';
import type { ServeDispatcher } from './serve.dispatcher';

/** The options of a call given none: shared (only read), so a call without options allocates none. */
const NO_OPTIONS: StreamOptions = Object.freeze({});

/** A handle on `endpoint` that calls it through `dispatcher`, from Nest code in this app. */
export function createAppHandle(dispatcher: ServeDispatcher, endpoint: string): ServeHandle {
  return {
    endpoint,
    remote<T>(payload?: unknown, options: StreamOptions = NO_OPTIONS): Promise<T> {
      // One promise per call on top of the dispatch (no async function, no await): this is the hot path of model composition.
      try {
        return dispatcher.dispatchByName(endpoint, payload, options).then(valueOf) as Promise<T>;
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    stream<T>(payload?: unknown, options: StreamOptions = {}): AsyncIterable<T> {
      return chunksOf<T>(() => dispatcher.dispatchByName(endpoint, payload, options), options.signal);
    },
  };
}

/** The value of a result; a stream's chunks are collected into an array (`remote()` of a streaming endpoint). */
export async function wholeValue(result: CallResult): Promise<unknown> {
  return valueOf(result);
}

/** {@link wholeValue} without a promise of its own unless the result streams; throws the error of a failed result. */
function valueOf(result: CallResult): unknown {
  if (!result.ok) throw result.error;
  return ServeStream.is(result.value) ? collect(result.value) : result.value;
}

async function collect(stream: ServeStream): Promise<unknown[]> {
  const chunks: unknown[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** The chunks of a call made on the first read; a value that does not stream is the one chunk. */
async function* chunksOf<T>(call: () => Promise<CallResult>, signal?: AbortSignal): AsyncGenerator<T> {
  const result = await call();
  if (!result.ok) throw result.error;
  const stream = result.value;
  if (!ServeStream.is(stream)) return yield stream as T;
  const abort = () => void stream.cancel();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of stream) yield chunk as T;
  } finally {
    signal?.removeEventListener('abort', abort);
    await stream.cancel();
  }
}
