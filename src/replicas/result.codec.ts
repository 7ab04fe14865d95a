import { ServeError, isServeError } from '../serve.errors';
import { messages, resultMessages, streamMessages } from '../serve.messages';
import { ServeResponse } from '../http/serve-response';
import type { WireError, WireOutcome, WireValue } from './replica.protocol';
import { checkResult, type ResultProblem } from './result.check';
import { checkResponse } from './response.check';

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

/** A value that cannot be sent: the error that answers its caller instead. */
export class Unsendable {
  /** @param e the error, on the wire: a 500 naming the backend and what was wrong. */
  constructor(readonly e: WireError) {}
}

/**
 * `value` as it crosses to the app (itself, or its JSON form when it holds objects with `toJSON`),
 * or, when the caller would not get what was returned (a `Map` sent as `{}`, a BigInt, a getter
 * that throws, nesting too deep: see {@link checkResult}), the error naming `backend` and `method`.
 * `kind` says whether `value` is a handler's result or one chunk of its stream. Never throws.
 */
export function sendable(value: unknown, backend: string, method: string, kind: 'result' | 'chunk'): unknown {
  const check = checkResult(value, kind);
  if (check === undefined) return value;
  if (check !== 'json') return unsendable(backend, method, kind, check);
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch (err) {
    return unsendable(backend, method, kind, { what: resultMessages.toJsonThrew(kind), cause: err });
  }
}

/**
 * The outcome of a handler that returned `value`: the value as {@link sendable} sends it, or the
 * error (also for a `ServeResponse` whose status or headers HTTP cannot send: {@link checkResponse}). Never throws.
 */
export function encodeResult(value: unknown, backend: string, method: string): WireOutcome {
  try {
    const response = ServeResponse.is(value) ? value : undefined;
    const bad = response && checkResponse(response);
    if (bad) return { ok: false, e: resultError(backend, messages.badServeResponse(backend, method, bad), undefined) };
    const sent = sendable(response ? response.body : value, backend, method, 'result');
    if (sent instanceof Unsendable) return { ok: false, e: sent.e };
    if (!response) return { ok: true, v: { v: sent } };
    return { ok: true, v: { r: { status: response.status, headers: response.headers, body: sent } } };
  } catch (err) {
    const problem = { what: resultMessages.readThrew('result'), cause: err };
    return { ok: false, e: unsendable(backend, method, 'result', problem).e };
  }
}

/**
 * The error of a value whose crossing to the app failed (`error`, e.g. a `DataCloneError`): its
 * message names the backend; what failed goes to the log only (it may hold the user's own text).
 */
export function notSendableError(backend: string, kind: 'result' | 'chunk', error: unknown): WireError {
  const message = kind === 'result' ? messages.resultNotSendable(backend) : streamMessages.chunkNotSendable(backend);
  return resultError(backend, message, error);
}

function unsendable(backend: string, method: string, kind: 'result' | 'chunk', problem: ResultProblem): Unsendable {
  const lossy = kind === 'result' ? messages.lossyResult : streamMessages.lossyChunk;
  return new Unsendable(resultError(backend, lossy(backend, method, problem.what), problem.cause));
}

/** A 500 whose message (ours, no user text) answers the caller; `cause` goes to the log with it. */
function resultError(backend: string, message: string, cause: unknown): WireError {
  const stack = cause === undefined ? message : resultMessages.threw(message, describeThrown(cause));
  return { code: 'HANDLER_FAILED', name: 'LossyResultError', message, body: { backend }, stack };
}

/** Takes a handler's result off the wire: a plain value, or a `ServeResponse`. */
export function decodeValue(value: WireValue): unknown {
  return 'r' in value ? new ServeResponse(value.r) : value.v;
}

/**
 * Puts an error on the wire. An error carrying an HTTP status (Nest's `HttpException`, or a
 * numeric `status` property from 400 to 599) keeps its status and body. Never throws: a thrown
 * value that cannot be read (a Proxy, a getter that throws) is sent as that.
 */
export function encodeError(err: unknown): WireError {
  try {
    return readError(err);
  } catch (thrown) {
    return { message: messages.unreadableError(), stack: describeThrown(thrown) };
  }
}

function readError(err: unknown): WireError {
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

/**
 * The error a replica sent as an `Error` of this thread, with the replica's own stack: its frames
 * name the backend's files and lines (for the log; callers get only the message).
 */
export function decodeRemoteError(wire: WireError): Error {
  const err = new Error(wire.message);
  if (wire.name) err.name = wire.name;
  err.stack = wire.stack ?? `${err.name}: ${wire.message}`;
  return err;
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

/** What was thrown, for the log: its stack, else its text, else that it could not be read. */
function describeThrown(thrown: unknown): string {
  try {
    const stack = (thrown as { stack?: unknown })?.stack;
    return typeof stack === 'string' ? stack : String(thrown);
  } catch {
    return messages.unreadableError();
  }
}
