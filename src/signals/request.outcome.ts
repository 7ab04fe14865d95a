/**
 * How a request ended, as the recorders count it.
 * - `ok`: the handler answered (a value, or an HTTP error below 500 it threw);
 * - `error`: the handler threw, answered 500 or another status ≥ 500;
 * - `overloaded`: refused with 503 before reaching a replica (queue full, no replica);
 * - `timeout`: 504, `requestTimeoutMs` passed;
 * - `replica-died`: 503, the replica died while handling it;
 * - `cancelled`: the caller went away (client disconnect, aborted handle call) before the answer.
 */
export type RequestOutcome = 'ok' | 'error' | 'overloaded' | 'timeout' | 'replica-died' | 'cancelled';

/** Every {@link RequestOutcome}, in a fixed order (their index is packed into counter keys). */
export const REQUEST_OUTCOMES: readonly RequestOutcome[] = Object.freeze([
  'ok',
  'error',
  'overloaded',
  'timeout',
  'replica-died',
  'cancelled',
]);

/** Whether an outcome counts as an error in error rates: failures of the service, not of the caller. */
export function isErrorOutcome(outcome: RequestOutcome): boolean {
  return outcome !== 'ok' && outcome !== 'cancelled';
}
