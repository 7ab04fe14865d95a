import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { EndpointResolver } from './endpoint.resolver';
import type { HostRequest } from '../http/request.mapper';

type Done = (err: Error | null, body?: unknown) => void;
type Parser = (request: HostRequest, payload: IncomingMessage, done: Done) => void;

/** The part of a Fastify instance used here. */
interface FastifyView {
  initialConfig: { bodyLimit?: number };
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(type: string, parser: Parser): void;
}

/**
 * An error shaped as Fastify's own body errors (`@fastify/error`: name `FastifyError`, `code`,
 * `statusCode`), so that Nest's Fastify adapter answers it with that status as it answers Fastify's.
 */
function fastifyError(code: string, message: string, statusCode: number): Error {
  return Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
}

/**
 * Makes a Fastify host serve endpoints with no set-up of its own (the catch-all route itself is
 * `HostRoutes`'s): bodies Fastify has no parser for (bytes, `application/*+json`, any other type) and
 * `text/plain` (whose default parser ignores the charset) are left unread for an endpoint, which
 * reads them as on Express (`bodyLimit`, charset, 415). Other routes see what they saw before:
 * `text/plain` as a UTF-8 string up to Fastify's `bodyLimit`, any other type a 415.
 * A parser the app registered itself for `*` or `text/plain` is kept, and endpoints get its body.
 */
@Injectable()
export class FastifyHostSetup implements OnModuleInit {
  private readonly fastify?: FastifyView;

  constructor(
    adapterHost: HttpAdapterHost,
    private readonly resolver: EndpointResolver,
  ) {
    const adapter = adapterHost.httpAdapter;
    if (adapter?.getType() === 'fastify') this.fastify = adapter.getInstance<FastifyView>();
  }

  /** Runs after the app's own set-up (`useBodyParser()` included), before Fastify starts. */
  onModuleInit(): void {
    const fastify = this.fastify;
    if (!fastify) return;
    if (!fastify.hasContentTypeParser('*'))
      fastify.addContentTypeParser('*', (request, _payload, done) =>
        this.isServed(request)
          ? done(null, undefined)
          : done(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 'Unsupported Media Type', 415)),
      );
    const limit = fastify.initialConfig.bodyLimit ?? 1_048_576;
    try {
      fastify.addContentTypeParser('text/plain', (request, payload, done) =>
        this.isServed(request) ? done(null, undefined) : readText(payload, limit, done),
      );
    } catch (err) {
      // Fastify replaces its default text parser, but not one the app registered.
      if ((err as { code?: string }).code !== 'FST_ERR_CTP_ALREADY_PRESENT') throw err;
    }
  }

  private isServed(request: HostRequest): boolean {
    return request.routeOptions?.url?.endsWith('*') === true && this.resolver.resolve(request).match !== undefined;
  }
}

/** Fastify's default `text/plain` parsing: the body as a UTF-8 string, 413 past `limit` bytes. */
function readText(payload: IncomingMessage, limit: number, done: Done): void {
  if (Number(payload.headers['content-length']) > limit)
    return done(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large', 413));
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size <= limit) return void chunks.push(chunk);
    payload.off('data', onData);
    done(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 'Request body is too large', 413));
  };
  payload.on('data', onData);
  payload.on('end', () => size <= limit && done(null, Buffer.concat(chunks).toString('utf8')));
  payload.on('error', (err) => done(err));
}
