import { All, Controller, HttpException, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { toServeRequest, type HostRequest } from '../http/request.mapper';
import { toHttpException, toResponseBody, type HostResponse } from '../http/response.mapper';
import { RoutePathMatcher } from '../http/route-path.matcher';
import { ServeStream } from '../replicas/serve.stream';
import { acceptsEventStream, writeStream } from '../http/stream.writer';
import { hostRoutingOf } from '../http/host-routing';
import {
  CALL_METHOD_HEADER,
  DEFAULT_MODULE_OPTIONS,
  MAX_SHARD_KEY_LENGTH,
  SERVE_OPTIONS,
  SHARD_KEY_HEADER,
} from '../serve.constants';
import { ServeError, isServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { ServeDispatcher } from './serve.dispatcher';
import { ServeRegistry } from './serve.registry';

const METHOD_NAME = /^[A-Za-z_$][\w$]*$/;
/** What a streamed request returns to Nest: the response is already written and ended. */
const STREAMED = undefined;

/**
 * Serves every endpoint from one catch-all route of the host app, over the live route table:
 * endpoints created at run time work at once, and the host's guards, interceptors, pipes,
 * filters and middleware apply as to any Nest route. Nest registers it after the app's own routes.
 */
@Controller()
export class ServeController {
  private readonly bodyLimit: number;
  /** Set on the first request: the host's router settings are final once it serves. */
  private matcher?: RoutePathMatcher;

  constructor(
    private readonly registry: ServeRegistry,
    private readonly dispatcher: ServeDispatcher,
    @Inject(SERVE_OPTIONS) options: ServeModuleOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.bodyLimit = options.bodyLimit ?? DEFAULT_MODULE_OPTIONS.bodyLimit;
  }

  /**
   * Answers a request of any endpoint; unknown routes get the host's usual 404. The endpoint is
   * found by the raw path, compared as the host's router compares (see {@link RoutePathMatcher}).
   */
  @All('{*path}')
  async serve(
    @Req() req: HostRequest & { originalUrl?: string; params?: { path?: string[] | string } },
    @Res({ passthrough: true }) res: HostResponse,
  ): Promise<unknown> {
    this.matcher ??= new RoutePathMatcher(hostRoutingOf(this.adapterHost.httpAdapter));
    const path = RoutePathMatcher.wildcardPart(rawPathname(req), segmentCount(req.params?.path));
    const route = this.matcher.routeOf(path);
    const endpoint =
      route === undefined ? undefined : this.registry.endpointForPath(route, this.matcher.routing.caseSensitive);
    const method = req.method ?? 'GET';
    if (!endpoint) throw new NotFoundException(`Cannot ${method} ${req.originalUrl ?? req.url}`);
    if (!endpoint.accepts.has(method)) {
      res.setHeader('allow', endpoint.allow);
      throw new HttpException(
        {
          statusCode: 405,
          error: 'Method Not Allowed',
          message: messages.methodNotAllowed(method, endpoint.route, [...endpoint.accepts]),
        },
        405,
      );
    }
    const raw = (res as { raw?: HostResponse }).raw ?? res;
    const gone = new AbortController();
    const onClose = () => raw.writableFinished || gone.abort();
    raw.once('close', onClose);
    try {
      const request = await toServeRequest(req, path, this.bodyLimit);
      const result = await this.dispatcher.dispatch(endpoint, request, {
        shardKey: shardKeyOf(req.headers[SHARD_KEY_HEADER]),
        method: callMethodOf(req.headers[CALL_METHOD_HEADER]),
        signal: gone.signal,
      });
      if (!result.ok) throw result.error;
      if (!ServeStream.is(result.value)) return toResponseBody(res, result.value);
      const sse = endpoint.stream === 'sse' || acceptsEventStream(req.headers.accept);
      if (this.registry.closed) raw.setHeader('connection', 'close');
      await writeStream(raw, result.value, sse ? 'sse' : 'chunks', (err) => String((err as Error)?.message ?? err));
      return STREAMED;
    } catch (err) {
      throw isServeError(err) ? toHttpException(res, err) : err;
    } finally {
      raw.off('close', onClose);
      if (this.registry.closed && !raw.headersSent) res.setHeader('connection', 'close');
    }
  }
}

/** The request's path as the host's router matched it: not percent-decoded, without the query. */
function rawPathname(req: HostRequest): string {
  if (typeof req.path === 'string') return req.path;
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function segmentCount(segments: string[] | string | undefined): number {
  if (segments === undefined) return 0;
  return Array.isArray(segments) ? segments.length : segments.split('/').length;
}

function shardKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header.join(',') : header;
  if (key.length > MAX_SHARD_KEY_LENGTH)
    throw new ServeError('BAD_REQUEST', messages.badShardKey(key.length, MAX_SHARD_KEY_LENGTH));
  return key;
}

function callMethodOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const name = Array.isArray(header) ? header[0] : header;
  if (!METHOD_NAME.test(name)) throw new ServeError('BAD_REQUEST', messages.badCallMethod(name));
  return name;
}
