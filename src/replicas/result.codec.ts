import { ServeError, isServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { ServeResponse } from '../http/serve-response';
import type { WireError, WireOutcome, WireValue } from './replica.protocol';
import { resultProblem } from './result.check';

/**
 * A call's result as the app sees it, decoded once off the wire: the handler's value (a plain
 * value or a {@link ServeResponse}), or the error that answers the caller.
 */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: ServeError };

/** Puts a handler's result on the wire. */
export function encodeValue(value: unknown): WireValue {
  if (ServeResponse.is(value)) return { r: { status: value.status, headers: value.headers, body: value.body } };
  return { v: value };
}

/**
 * The outcome of a handler that returned `value`: the value, or a failure naming `backend` and `method`
 * when the caller would not get what was returned (a `Map` sent as `{}`, a BigInt: see {@link resultProblem}).
 */
export function encodeResult(value: unknown, backend: string, method: string): WireOutcome {
  const problem = resultProblem(ServeResponse.is(value) ? value.body : value);
  if (problem === undefined) return { ok: true, v: encodeValue(value) };
  const err = new Error(messages.lossyResult(backend, method, problem));
  err.name = 'LossyResultError';
  err.stack = `${err.name}: ${err.message}`;
  return failure(err);
}

/** Takes a handler's result off the wire: a plain value, or a `ServeResponse`. */
export function decodeValue(value: WireValue): unknown {
  return 'r' in value ? new ServeResponse(value.r) : value.v;
}

/**
 * Puts an error on the wire. An error carrying an HTTP status (Nest's `HttpException`, or a
 * numeric `status` property from 400 to 599) keeps its status and body.
 */
export function encodeError(err: unknown): WireError {
  if (isServeError(err))
    return { message: err.message, name: err.name, code: err.code, status: err.status, body: err.body };
  const e = err as {
    message?: unknown;
    name?: unknown;
    stack?: unknown;
    status?: unknown;
    getStatus?: unknown;
    getResponse?: unknown;
  };
  const wire: WireError = {
    message: typeof e?.message === 'string' ? e.message : String(err),
    name: typeof e?.name === 'string' ? e.name : undefined,
    stack: typeof e?.stack === 'string' ? e.stack : undefined,
  };
  const status = typeof e?.getStatus === 'function' ? (e.getStatus as () => unknown)() : e?.status;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) {
    wire.status = status;
    if (typeof e.getResponse === 'function') wire.body = toCloneable((e.getResponse as () => unknown)());
  }
  return wire;
}

/** An outcome that failed with `err`; `notStarted` when the call never reached a replica (it may be retried). */
export function failure(err: unknown, notStarted = false): WireOutcome {
  const e = encodeError(err);
  if (notStarted) e.notStarted = true;
  return { ok: false, e };
}

/** Turns a wire error back into a {@link ServeError}. */
export function decodeError(wire: WireError, backend: string, exposeErrors: boolean): ServeError {
  if (wire.code) return new ServeError(wire.code, wire.message, { status: wire.status, body: wire.body });
  if (wire.status !== undefined) {
    return new ServeError('HANDLER_HTTP_ERROR', wire.message, {
      status: wire.status,
      body: wire.body ?? { statusCode: wire.status, message: wire.message },
    });
  }
  const message = exposeErrors ? messages.handlerFailedExposed(backend, wire.message) : messages.handlerFailed(backend);
  return new ServeError('HANDLER_FAILED', message, {
    body: exposeErrors ? { backend, stack: wire.stack } : { backend },
  });
}

/**
 * Takes a replica's answer off the wire: the one place an answer is decoded. `backend` names the
 * backend in the error of a handler that threw.
 */
export function decodeOutcome(outcome: WireOutcome, backend: string, exposeErrors: boolean): CallResult {
  return outcome.ok
    ? { ok: true, value: decodeValue(outcome.v) }
    : { ok: false, error: decodeError(outcome.e, backend, exposeErrors) };
}

/** Puts a result back on the wire, for the replica whose handle call it answers. */
export function encodeCallResult(result: CallResult): WireOutcome {
  return result.ok ? { ok: true, v: encodeValue(result.value) } : { ok: false, e: encodeError(result.error) };
}

function toCloneable(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return typeof value === 'string' ? value : undefined;
  }
}
