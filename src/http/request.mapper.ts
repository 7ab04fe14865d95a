import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { MIMEType } from 'node:util';
import type { ServeRequest } from '../interfaces/serve-request.interface';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { CharsetDecoder, UnknownCharsetError } from './charset.decoder';

/**
 * The parts of a host request the mapper and the controller read: an Express request (itself
 * the Node.js request) or a Fastify request (the Node.js request is its `raw`).
 */
export interface HostRequest {
  method?: string;
  /** The request target as received: path and query, not percent-decoded. */
  url?: string;
  originalUrl?: string;
  headers: IncomingHttpHeaders;
  /** The body as the host's body parser left it; `undefined` when it read none. */
  body?: unknown;
  query?: unknown;
  /** Express: the raw path the router matched. */
  path?: string;
  /** Express's body parsers: set once they read the body (which may still be `undefined`). */
  _body?: boolean;
  /** Express: the wildcard's segments; Fastify: `*`, the wildcard's decoded text. */
  params?: { nestjsServePath?: string[] | string; '*'?: string };
  /** Fastify: the Node.js request, whose stream holds a body no parser read. */
  raw?: IncomingMessage;
  /** Fastify: the route that matched, as registered (`/api/*`). */
  routeOptions?: { url?: string };
}

const charsets = new CharsetDecoder();
/** The charset parameter of a Content-Type, found without parsing the whole header (most say UTF-8). */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;
const UTF8 = /^utf-?8$/i;
const EMPTY = Buffer.alloc(0);

/**
 * Builds the handler's {@link ServeRequest}. JSON and form bodies come parsed by the host (its
 * body parser and size limit); other bodies are read here: `text/*` as a string, JSON types the
 * host left alone (`application/*+json`) parsed, anything else as bytes, up to `bodyLimit` bytes
 * (413 beyond). Text and JSON are decoded as their `charset` says (UTF-8 when it says nothing);
 * a charset `TextDecoder` does not know answers 415. `id` is the request's id (see `resolveRequestId`).
 */
export function toServeRequest(
  req: HostRequest,
  path: string,
  params: Record<string, string>,
  bodyLimit: number,
  id: string,
): ServeRequest | Promise<ServeRequest> {
  const request: ServeRequest = {
    id,
    method: req.method ?? 'GET',
    path,
    params,
    query: queryOf(req),
    headers: req.headers as ServeRequest['headers'],
    body: undefined,
  };
  // Most bodies come parsed, or there is none: then no promise (nor its microtask) per request.
  if (req._body || req.body !== undefined) request.body = hostParsed(req, path);
  else if (hasBody(req, bodyLimit))
    return readBody(req, path, bodyLimit).then((body) => ((request.body = body), request));
  return request;
}

/**
 * The host's parsed query, or `{}` when the URL has none: Express's `req.query` is a getter that
 * runs the query parser on every read (handlers see the same `{}` either way, after the copy to the replica).
 */
function queryOf(req: HostRequest): ServeRequest['query'] {
  if (req.url !== undefined && !req.url.includes('?')) return {};
  return (req.query ?? {}) as ServeRequest['query'];
}

/** True when a body the host left unread follows; 413 when its declared length is past `limit`. */
function hasBody(req: HostRequest, limit: number): boolean {
  const length = req.headers['content-length'];
  if (length === undefined && req.headers['transfer-encoding'] === undefined) return false;
  if (length !== undefined && Number(length) > limit)
    throw new ServeError('BAD_REQUEST', messages.bodyTooLarge(limit), { status: 413 });
  return true;
}

async function readBody(req: HostRequest, path: string, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of (req.raw ?? req) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ServeError('BAD_REQUEST', messages.bodyTooLarge(limit), { status: 413 });
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  return fromBytes(Buffer.concat(chunks), mediaTypeOf(req.headers['content-type']), path);
}

/**
 * A body the host's parser read. Bytes it left undecoded (Fastify's buffer parsers, Express's
 * raw parser) are read as their Content-Type says (the host's parser applied its own limit). A body it parsed while
 * ignoring an unknown charset (Fastify's JSON parser does) answers 415 as Express's does.
 */
function hostParsed(req: HostRequest, path: string): unknown {
  const { body } = req;
  const header = req.headers['content-type'];
  if (Buffer.isBuffer(body)) return body.length === 0 ? undefined : fromBytes(body, mediaTypeOf(header), path);
  const charset = header === undefined ? undefined : CHARSET.exec(header)?.[1];
  if (charset !== undefined && !UTF8.test(charset)) {
    const type = mediaTypeOf(header);
    if (type) decode(EMPTY, type, path);
  }
  return body;
}

function fromBytes(bytes: Buffer, type: MIMEType | undefined, path: string): unknown {
  if (
    type &&
    (type.essence === 'application/json' || (type.type === 'application' && type.subtype.endsWith('+json')))
  ) {
    const text = decode(bytes, type, path);
    try {
      return JSON.parse(text);
    } catch {
      throw new ServeError('BAD_REQUEST', messages.bodyNotJson());
    }
  }
  if (type?.type === 'text') return decode(bytes, type, path);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function mediaTypeOf(header: string | undefined): MIMEType | undefined {
  if (!header) return undefined;
  try {
    return new MIMEType(header);
  } catch {
    return undefined;
  }
}

/** The body as text in the charset its Content-Type names; 415 naming it when it cannot be decoded. */
function decode(bytes: Buffer, type: MIMEType, path: string): string {
  try {
    return charsets.decode(bytes, type.params.get('charset'));
  } catch (err) {
    if (!(err instanceof UnknownCharsetError)) throw err;
    throw new ServeError('BAD_REQUEST', messages.unsupportedCharset(err.charset, path), { status: 415 });
  }
}
