/**
 * What nestjs-serve reads of a caller's cancellation signal. An `AbortSignal` is one; an HTTP
 * request uses a lighter one that follows its response's `close` (an `AbortController` per request
 * was a measurable share of the host thread's cost per request). Internal: not exported.
 */
export interface CallerSignal {
  /** True once the caller went away. */
  readonly aborted: boolean;
  /** Hears the caller go away (at most once). */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  /** Stops hearing it. */
  removeEventListener(type: 'abort', listener: () => void): void;
}
