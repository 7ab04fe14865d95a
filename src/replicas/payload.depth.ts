import { MAX_NESTING, nestedDeeperThan } from './clone.depth';

/** The request headers {@link textBytes} reads, as Node.js gives them. */
export interface BodyHeaders {
  readonly 'content-type'?: string;
  readonly 'content-length'?: string;
  readonly 'content-encoding'?: string;
}

/** Content types whose text takes at least two bytes per level of nesting (`[` and `]`, `a[b]`). */
const TEXTUAL = /json|urlencoded/i;

/**
 * True when a request body or a handle payload nests objects deeper than `limit` levels
 * ({@link MAX_NESTING}, the limit results have too): a replica may fail to decode it (a process
 * replica's IPC reader throws and the process dies), so it must not be sent. `textBytes` is the
 * size of the text it was parsed from, when known (see {@link textBytes}): JSON of fewer than
 * 2 × `limit` bytes cannot nest that deep, so it is not walked; other values are walked once.
 */
export function payloadTooDeep(value: unknown, textBytes?: number, limit = MAX_NESTING): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (textBytes !== undefined && textBytes < 2 * limit) return false;
  return nestedDeeperThan(value, limit);
}

/**
 * The size of the JSON or form text a request body was parsed from, as its `Content-Length`
 * says; `undefined` (walk the body) when it says none (chunked), when the body was compressed
 * (a few bytes of gzip inflate to any depth) or is of another type (a binary format such as
 * MessagePack nests a level per byte).
 */
export function textBytes(headers: BodyHeaders): number | undefined {
  const length = headers['content-length'];
  const type = headers['content-type'];
  if (length === undefined || type === undefined || !TEXTUAL.test(type)) return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  const bytes = Number(length);
  return Number.isFinite(bytes) ? bytes : undefined;
}
