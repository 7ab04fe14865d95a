import type { IncomingMessage } from 'node:http';
import { MIMEType } from 'node:util';
import type { ServeRequest } from '../interfaces/serve-request.interface';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { CharsetDecoder, UnknownCharsetError } from './charset.decoder';

/** The parts of an Express (or compatible) request the mapper reads. */
export interface HostRequest extends IncomingMessage {
  body?: unknown;
  query?: unknown;
  path?: string;
  _body?: boolean;
}

const charsets = new CharsetDecoder();

/**
 * Builds the handler's {@link ServeRequest}. JSON and form bodies come parsed by the host (its
 * body parser and size limit); other bodies are read here: `text/*` as a string, JSON types the
 * host left alone (`application/*+json`) parsed, anything else as bytes, up to `bodyLimit` bytes
 * (413 beyond). Text and JSON are decoded as their `charset` says (UTF-8 when it says nothing);
 * a charset `TextDecoder` does not know answers 415. `id` is the request's id (see `resolveRequestId`).
 */
export async function toServeRequest(
  req: HostRequest,
  path: string,
  bodyLimit: number,
  id: string,
): Promise<ServeRequest> {
  return {
    id,
    method: req.method ?? 'GET',
    path,
    query: (req.query ?? {}) as ServeRequest['query'],
    headers: req.headers as ServeRequest['headers'],
    body: await readBody(req, path, bodyLimit),
  };
}

async function readBody(req: HostRequest, path: string, limit: number): Promise<unknown> {
  if (req._body || req.body !== undefined) return req.body;
  const length = req.headers['content-length'];
  if (length === undefined && req.headers['transfer-encoding'] === undefined) return undefined;
  if (length !== undefined && Number(length) > limit)
    throw new ServeError('BAD_REQUEST', messages.bodyTooLarge(limit), { status: 413 });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ServeError('BAD_REQUEST', messages.bodyTooLarge(limit), { status: 413 });
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const bytes = Buffer.concat(chunks);
  const type = mediaTypeOf(req.headers['content-type']);
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
