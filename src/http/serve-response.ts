/** Fields of a {@link ServeResponse}. */
export interface ServeResponseInit<TBody = unknown> {
  /** HTTP status. Default 200. */
  status?: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /** JSON value, string or bytes. */
  body?: TBody;
}

const BRAND = 'nestjs-serve:response';

/** Returned by a handler for full control of the HTTP answer: status, headers and body. */
export class ServeResponse<TBody = unknown> {
  /** HTTP status. */
  readonly status: number;
  /** Response headers. */
  readonly headers: Record<string, string>;
  /** JSON value, string or bytes. */
  readonly body: TBody | undefined;
  /** Marks instances across copies of the package and across the replica boundary. */
  readonly [Symbol.toStringTag] = BRAND;

  constructor(init: ServeResponseInit<TBody> = {}) {
    this.status = init.status ?? 200;
    this.headers = init.headers ?? {};
    this.body = init.body;
  }

  /** True for a {@link ServeResponse}, also one made by another copy of the package. */
  static is(value: unknown): value is ServeResponse {
    return value instanceof ServeResponse || Object.prototype.toString.call(value) === `[object ${BRAND}]`;
  }
}
