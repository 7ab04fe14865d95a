import type { ServerResponse } from 'node:http';
import { bytesOf } from './body.bytes';

/** How the chunks of a stream go on the wire. */
export type StreamFraming = 'chunks' | 'sse';

/** What {@link writeStream} writes: a status, headers and chunks read once (the app's `ServeStream`). */
export interface StreamBody extends AsyncIterable<unknown> {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Stops reading; the producer is cancelled. */
  cancel(): Promise<void>;
  /** Stops reading, the answer needing no more (`HEAD`); the producer is cancelled. */
  end(): Promise<void>;
  /** Chunks already received, taken without waiting. */
  takeBuffered(): unknown[];
}

/** A chunk that names its SSE fields. */
interface SseEvent {
  data: unknown;
  event?: string;
  id?: string | number;
}

const decoder = new TextDecoder();

/**
 * Writes a stream to a Node `ServerResponse` (Express's `res`, Fastify's `res.raw`) as it comes:
 * headers with the first chunk; strings and bytes raw, objects as NDJSON lines, or every chunk as
 * a Server-Sent Event. Honours `drain` (the next chunk is read only once the socket takes more),
 * writes the chunks of one event-loop turn in one go, and cancels the stream when the client goes
 * away. A failure after the headers ends the response with an SSE `error` event, or aborts the
 * chunked body (no clean end), so the client always sees it. Resolves when the response is over.
 */
export async function writeStream(
  res: ServerResponse,
  stream: StreamBody,
  framing: StreamFraming,
  describeError: (err: unknown) => string,
): Promise<void> {
  const chunks = stream[Symbol.asyncIterator]();
  let closed = false;
  let wake: (() => void) | undefined;
  const onClose = () => {
    closed = true;
    wake?.();
    void stream.cancel();
  };
  res.once('close', onClose);
  let corked = false;
  const write = (data: string | Uint8Array): boolean => {
    if (!corked) {
      corked = true;
      res.cork();
      setImmediate(() => {
        corked = false;
        res.uncork();
      });
    }
    return res.write(data);
  };
  try {
    let step = await chunks.next();
    if (closed) return;
    res.statusCode = stream.status;
    for (const [name, value] of Object.entries(stream.headers)) res.setHeader(name, value);
    if (!res.hasHeader('content-type')) res.setHeader('content-type', contentTypeOf(framing, step));
    if (framing === 'sse') res.setHeader('cache-control', 'no-cache');
    if (res.req?.method === 'HEAD') {
      res.end();
      return void (await stream.end());
    }
    res.flushHeaders();
    while (!step.done && !closed) {
      if (!write(frames(step.value, stream.takeBuffered(), framing)) && !closed)
        await new Promise<void>((resolve) => {
          wake = resolve;
          res.once('drain', resolve);
        });
      if (closed) return;
      step = await chunks.next();
    }
  } catch (err) {
    if (closed) return;
    // A failure here (a head HTTP cannot send, a chunk that cannot be framed) leaves the replica's generator running.
    void stream.cancel();
    if (framing === 'sse' && res.headersSent) {
      write(`event: error\ndata: ${JSON.stringify({ message: describeError(err) })}\n\n`);
    } else {
      // The chunks written before the failure still go out; the body then ends without its last chunk.
      if (corked) res.uncork();
      corked = false;
      res.destroy(err instanceof Error ? err : new Error(describeError(err)));
      return;
    }
  } finally {
    res.off('close', onClose);
  }
  if (!closed) res.end();
}

function contentTypeOf(framing: StreamFraming, first: IteratorResult<unknown>): string {
  if (framing === 'sse') return 'text/event-stream; charset=utf-8';
  const chunk = first.value;
  if (first.done || typeof chunk === 'string') return 'text/plain; charset=utf-8';
  if (bytesOf(chunk)) return 'application/octet-stream';
  return 'application/x-ndjson; charset=utf-8';
}

/** A chunk and those received with it, in one piece: text joined, bytes concatenated. */
function frames(first: unknown, more: unknown[], framing: StreamFraming): string | Uint8Array {
  const head = frame(first, framing);
  if (more.length === 0) return head;
  const parts = [head, ...more.map((c) => frame(c, framing))];
  if (parts.every((p) => typeof p === 'string')) return parts.join('');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/** One chunk as bytes or text on the wire. */
export function frame(chunk: unknown, framing: StreamFraming): string | Uint8Array {
  if (framing === 'chunks') {
    if (typeof chunk === 'string') return chunk;
    const bytes = bytesOf(chunk);
    if (bytes) return bytes;
    return `${JSON.stringify(chunk) ?? 'null'}\n`;
  }
  const event = isSseEvent(chunk) ? chunk : { data: chunk };
  let out = '';
  if (event.id !== undefined) out += `id: ${oneLine(String(event.id))}\n`;
  if (event.event !== undefined) out += `event: ${oneLine(String(event.event))}\n`;
  const data = event.data;
  const bytes = typeof data === 'string' ? undefined : bytesOf(data);
  const text = typeof data === 'string' ? data : bytes ? decoder.decode(bytes) : (JSON.stringify(data) ?? 'null');
  for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

function isSseEvent(chunk: unknown): chunk is SseEvent {
  if (typeof chunk !== 'object' || chunk === null || !('data' in chunk)) return false;
  const keys = Object.keys(chunk);
  return keys.every((k) => k === 'data' || k === 'event' || k === 'id');
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}

/** True when the client asked for Server-Sent Events. */
export function acceptsEventStream(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(value);
}
