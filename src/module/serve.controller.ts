import type { ServerResponse } from 'node:http';
import { All, Controller, HttpException, Inject, Logger, NotFoundException, Req, Res } from '@nestjs/common';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { toServeRequest, type HostRequest } from '../http/request.mapper';
import { setHeader, toHttpException, toResponseBody, type HostResponse } from '../http/response.mapper';
import { REQUEST_ID_HEADER, resolveRequestId } from '../http/request-id';
import { ServeStream } from '../replicas/serve.stream';
import { ResponseCloseSignal } from '../http/response-close.signal';
import { acceptsEventStream, writeStream } from '../http/stream.writer';
import { EndpointResolver } from './endpoint.resolver';
import { ObservingRoutes } from './observing.routes';
import { HostRoutes } from './host.routes';
import {
  CALL_METHOD_HEADER,
  DEFAULT_MODULE_OPTIONS,
  MAX_SHARD_KEY_LENGTH,
  SERVE_OPTIONS,
  SHARD_KEY_HEADER,
} from '../serve.constants';
import { ServeError, isServeError } from '../serve.errors';
import { messages, observingMessages, resultMessages } from '../serve.messages';
import { MAX_NESTING } from '../replicas/clone.depth';
import { payloadTooDeep, textBytes } from '../replicas/payload.depth';
import { ServeDispatcher } from './serve.dispatcher';
import { ServeRegistry } from './serve.registry';

const METHOD_NAME = /^[A-Za-z_$][\w$]*$/;
/** What a streamed request returns to Nest: the response is already written and ended. */
const STREAMED = undefined;

/**
 * Serves every endpoint from one catch-all route of the host app, over the live route table:
 * endpoints created at run time work at once, and the host's guards, interceptors, pipes,
 * filters and middleware apply as to any Nest route. `HostRoutes` keeps it after the app's own routes.
 */
@Controller()
export class ServeController {
  private readonly bodyLimit: number;
  /** Fastify: the Node.js response is the reply's `raw` (Express's response is the Node.js one). */
  private readonly logger = new Logger('nestjs-serve');

  constructor(
    private readonly resolver: EndpointResolver,
    private readonly registry: ServeRegistry,
    private readonly dispatcher: ServeDispatcher,
    @Inject(SERVE_OPTIONS) options: ServeModuleOptions,
    private readonly observing: ObservingRoutes,
    private readonly hostRoutes: HostRoutes,
  ) {
    this.bodyLimit = options.bodyLimit ?? DEFAULT_MODULE_OPTIONS.bodyLimit;
    hostRoutes.route(Object.getOwnPropertyDescriptor(ServeController.prototype, 'serve')?.value as object);
  }

  /**
   * Answers a request of any endpoint; unknown routes get the host's usual 404. The endpoint is
   * found as the host's router would find a route for the path (see {@link EndpointResolver}).
   * The route is `{*nestjsServePath}` on Express and `*` on Fastify, set by `HostRoutes`, which also keeps
   * it behind the app's own routes. The metrics
   * and status page paths ({@link ObservingRoutes}) come first. Every answer carries the request's
   * id in `X-Request-Id` (the caller's when usable, else a new one).
   */
  @All()
  async serve(@Req() req: HostRequest, @Res({ passthrough: true }) res: HostResponse): Promise<unknown> {
    const { path, match, raw: rawPath } = this.resolver.resolve(req);
    const method = req.method ?? 'GET';
    const observed = this.observing.answer(path, method, res, rawPath);
    if (observed !== undefined) return observed;
    // read once: `headers` is a getter of Node's request, and Express's request is a slow object to look up
    const headers = req.headers;
    const header = headers[REQUEST_ID_HEADER];
    const { id, source } = resolveRequestId(header);
    setHeader(res, REQUEST_ID_HEADER, id);
    if (source === 'replaced') {
      this.logger.warn(observingMessages.badRequestIdReplaced(String(header).length, id, path));
    }
    if (!match) throw new NotFoundException(`Cannot ${method} ${req.originalUrl ?? req.url}`);
    const { endpoint } = match;
    if (!endpoint.accepts.has(method)) {
      setHeader(res, 'allow', endpoint.allow);
      throw new HttpException(
        {
          statusCode: 405,
          error: 'Method Not Allowed',
          message: messages.methodNotAllowed(method, endpoint.route, [...endpoint.accepts]),
          requestId: id,
        },
        405,
      );
    }
    const raw = (this.hostRoutes.type === 'fastify' ? (res as { raw?: ServerResponse }).raw : res) as ServerResponse;
    const gone = new ResponseCloseSignal(raw);
    try {
      const mapped = toServeRequest(req, path, match.params, this.bodyLimit, id);
      const request = mapped instanceof Promise ? await mapped : mapped;
      // Before any replica: one that could not decode the body would die (a process replica's IPC reader throws).
      if (payloadTooDeep(request.body, textBytes(headers)))
        throw new ServeError('BAD_REQUEST', resultMessages.bodyTooDeep(endpoint.name, MAX_NESTING));
      const result = await this.dispatcher.dispatch(endpoint, request, {
        shardKey: shardKeyOf(headers[SHARD_KEY_HEADER]),
        method: callMethodOf(headers[CALL_METHOD_HEADER]),
        signal: gone,
      });
      if (!result.ok) throw result.error;
      if (!ServeStream.is(result.value)) return toResponseBody(res, result.value);
      const sse = endpoint.stream === 'sse' || acceptsEventStream(headers.accept);
      if (this.registry.closed) raw.setHeader('connection', 'close');
      // Fastify: the stream owns the raw response now, so Fastify must not send a reply after it.
      (res as { hijack?: () => void }).hijack?.();
      await writeStream(raw, result.value, sse ? 'sse' : 'chunks', (err) => String((err as Error)?.message ?? err));
      return STREAMED;
    } catch (err) {
      throw isServeError(err) ? toHttpException(res, err, id) : err;
    } finally {
      gone.dispose();
      if (this.registry.closed && !raw.headersSent) setHeader(res, 'connection', 'close');
    }
  }
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
