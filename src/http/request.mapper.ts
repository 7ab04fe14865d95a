import type { IncomingMessage } from 'node:http';
import type { ServeRequest } from '../interfaces/serve-request.interface';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';

/** The parts of an Express (or compatible) request the mapper reads. */
export interface HostRequest extends IncomingMessage {
  body?: unknown;
  query?: unknown;
  path?: string;
  _body?: boolean;
}

/**
 * Builds the handler's {@link ServeRequest}. JSON and form bodies come parsed by the host (its
 * body parser and size limit); other bodies are read here: `text/*` as a string, anything else
 * as bytes, up to `bodyLimit` bytes (413 beyond).
 */
export async function toServeRequest(req: HostRequest, path: string, bodyLimit: number): Promise<ServeRequest> {
  return {
    method: req.method ?? 'GET',
    path,
    query: (req.query ?? {}) as ServeRequest['query'],
    headers: req.headers as ServeRequest['headers'],
    body: await readBody(req, bodyLimit),
  };
}

async function readBody(req: HostRequest, limit: number): Promise<unknown> {
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
  const type = String(req.headers['content-type'] ?? '');
  if (/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new ServeError('BAD_REQUEST', messages.bodyNotJson());
    }
  }
  if (/^text\//i.test(type)) return bytes.toString('utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
