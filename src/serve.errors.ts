/** Machine-readable reason of a {@link ServeError}. */
export type ServeErrorCode =
  | 'INVALID_CONFIG'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'OVERLOADED'
  | 'TIMEOUT'
  | 'REPLICA_UNAVAILABLE'
  | 'HANDLER_FAILED'
  | 'HANDLER_HTTP_ERROR'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'STARTUP_FAILED'
  | 'SHUT_DOWN'
  | 'CANCELLED'
  /** A multiplexed backend's `load(modelId)` threw: 503, the next request tries again. */
  | 'MODEL_LOAD_FAILED';

const STATUS_BY_CODE: Record<ServeErrorCode, number> = {
  INVALID_CONFIG: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  OVERLOADED: 503,
  TIMEOUT: 504,
  REPLICA_UNAVAILABLE: 503,
  HANDLER_FAILED: 500,
  HANDLER_HTTP_ERROR: 500,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  STARTUP_FAILED: 500,
  SHUT_DOWN: 503,
  // nginx's "client closed request": nobody reads it over HTTP, a handle caller that aborted does.
  CANCELLED: 499,
  MODEL_LOAD_FAILED: 503,
};

/**
 * Every error nestjs-serve raises or rejects with. `status` is the HTTP status a caller sees
 * when the error answers a request; `body` is what a handler's own HTTP error carried.
 */
export class ServeError extends Error {
  /** HTTP status that answers a request failed with this error. */
  readonly status: number;
  constructor(
    readonly code: ServeErrorCode,
    message: string,
    options: { status?: number; body?: unknown; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServeError';
    this.status = options.status ?? STATUS_BY_CODE[code];
    this.body = options.body;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  /** Response body given by a handler's HTTP error (`HttpException.getResponse()`), if any. */
  readonly body: unknown;
  /** Seconds for a `Retry-After` header, on 503s that can be retried. */
  readonly retryAfterSeconds: number | undefined;
}

/** True when `err` is a {@link ServeError}, also one made by another copy of the package. */
export function isServeError(err: unknown): err is ServeError {
  return err instanceof ServeError || (err instanceof Error && err.name === 'ServeError' && 'code' in err);
}
