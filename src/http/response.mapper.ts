import { HttpException, HttpStatus, StreamableFile } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { ServeError } from '../serve.errors';
import { bytesOf } from './body.bytes';
import { ServeResponse } from './serve-response';

/**
 * The parts of a host response the mapper uses: an Express response (itself the Node.js
 * response, with `setHeader`) or a Fastify reply (with `header`).
 */
export interface HostResponse {
  status(code: number): unknown;
  hasHeader(name: string): boolean;
  setHeader?: ServerResponse['setHeader'];
  header?(name: string, value: number | string | readonly string[]): unknown;
}

/** Sets a header on an Express response or a Fastify reply. */
export function setHeader(res: HostResponse, name: string, value: number | string | readonly string[]): void {
  if (res.setHeader) res.setHeader(name, value);
  else res.header?.(name, value);
}

/**
 * Prepares the host response for a handler's result and returns the body for Nest to send, so
 * that the host's interceptors see it: objects and arrays as JSON, strings as text, bytes (an
 * `ArrayBuffer`, any typed array, a `DataView`) as `application/octet-stream`, other JSON values (numbers, booleans, null) as JSON text.
 */
export function toResponseBody(res: HostResponse, value: unknown): unknown {
  if (!ServeResponse.is(value)) return bodyOf(res, value);
  res.status(value.status);
  for (const [name, header] of Object.entries(value.headers ?? {})) setHeader(res, name, header);
  return bodyOf(res, value.body);
}

function bodyOf(res: HostResponse, body: unknown): unknown {
  if (body === undefined) return undefined;
  const bytes = bytesOf(body);
  if (bytes) {
    if (!res.hasHeader('content-type')) setHeader(res, 'content-type', 'application/octet-stream');
    return new StreamableFile(bytes);
  }
  if (typeof body === 'string') {
    if (!res.hasHeader('content-type')) setHeader(res, 'content-type', 'text/plain; charset=utf-8');
    return body;
  }
  if (typeof body === 'object' && body !== null) return body;
  setHeader(res, 'content-type', 'application/json; charset=utf-8');
  return JSON.stringify(body);
}

/**
 * The exception that answers a failed request, for the host's exception filters: the handler's
 * own status and body for its HTTP errors, else a JSON error naming the backend and, with
 * `requestId`, the request. Sets `Retry-After` on retryable 503s.
 */
export function toHttpException(res: HostResponse, error: ServeError, requestId?: string): HttpException {
  if (error.retryAfterSeconds !== undefined) setHeader(res, 'retry-after', String(error.retryAfterSeconds));
  if (error.code === 'HANDLER_HTTP_ERROR')
    return new HttpException(error.body as Record<string, unknown>, error.status);
  const body: Record<string, unknown> = {
    statusCode: error.status,
    error: statusText(error.status),
    message: error.message,
  };
  if (error.body && typeof error.body === 'object') Object.assign(body, error.body);
  if (requestId !== undefined) body.requestId = requestId;
  return new HttpException(body, error.status);
}

function statusText(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .toLowerCase()
        .split('_')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' ')
    : 'Error';
}
