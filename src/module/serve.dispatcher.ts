import { Inject, Injectable, Logger } from '@nestjs/common';
import { resolveRequestId } from '../http/request-id';
import type { ServeRequest, StreamOptions } from '../interfaces/serve-request.interface';
import type { CallerSignal } from '../interfaces/caller-signal.interface';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { DEFAULT_MODULE_OPTIONS, SERVE_OPTIONS } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { messages, resultMessages } from '../serve.messages';
import { MAX_NESTING } from '../replicas/clone.depth';
import { payloadTooDeep } from '../replicas/payload.depth';
import { methodForEndpoint } from '../backend/backend.definition';
import type { BackendDeployment } from '../backend/backend.deployment';
import type { CallResult } from '../replicas/result.codec';
import { ServeRegistry, type EndpointEntry } from './serve.registry';
import { HandleRequest } from './handle.request';
import { resolveModelId } from './model-id.resolver';

/** Options of one dispatch: a handle's options, or an HTTP request's (whose signal follows its response). */
export type DispatchOptions = Omit<StreamOptions, 'signal'> & { signal?: CallerSignal };

/**
 * Sends one request of an endpoint where its traffic policy says: picks the backend (by weight
 * or shard key), fires the shadow copies without waiting for them, and resolves with the result.
 */
@Injectable()
export class ServeDispatcher {
  private readonly logger = new Logger('nestjs-serve');
  private readonly exposeErrors: boolean;

  constructor(
    private readonly registry: ServeRegistry,
    @Inject(SERVE_OPTIONS) options: ServeModuleOptions,
  ) {
    this.exposeErrors = options.exposeErrors ?? DEFAULT_MODULE_OPTIONS.exposeErrors;
  }

  /**
   * Routes `request` through `endpoint`'s policy. Never rejects: failures come back as results.
   * `internal` marks a call made by a replica for a request already accepted: it is still served
   * while the app drains for shutdown.
   */
  dispatch(
    endpoint: EndpointEntry,
    request: ServeRequest,
    options: DispatchOptions = {},
    internal = false,
  ): Promise<CallResult> {
    return new Promise<CallResult>((resolve) => {
      if (this.registry.closed && !internal) return resolve(fail(new ServeError('SHUT_DOWN', messages.shutDown())));
      const { policy } = endpoint;
      const backend = this.registry.backends.get(policy.choose(Math.random(), options.shardKey));
      if (!backend) return resolve(fail(new ServeError('NOT_FOUND', messages.unknownEndpoint(endpoint.name, []))));
      const method = options.method ?? methodForEndpoint(backend.spec, endpoint.name);
      if (!method || !backend.spec.methods.includes(method))
        return resolve(fail(new ServeError('BAD_REQUEST', this.noSuchMethod(backend, endpoint.name, method))));
      if (backend.spec.multiplexing) {
        try {
          request.modelId = resolveModelId(backend.name, request, options.modelId);
        } catch (err) {
          return resolve(fail(err as ServeError));
        }
      }
      for (const name of policy.chooseShadows(Math.random)) this.shadow(endpoint, name, request, options.method);
      backend.router.submit(method, request, resolve, internal, { endpoint: endpoint.name }, options.signal);
    });
  }

  /**
   * Routes a handle call by endpoint name; its `request.id` is `options.requestId` (when usable) or a new one.
   * A payload nested deeper than {@link MAX_NESTING} fails with BAD_REQUEST before any replica.
   */
  dispatchByName(
    endpoint: string,
    payload: unknown,
    options: StreamOptions = {},
    internal = false,
  ): Promise<CallResult> {
    const entry = this.registry.endpoints.get(endpoint);
    if (!entry) {
      return Promise.resolve(
        fail(new ServeError('NOT_FOUND', messages.unknownEndpoint(endpoint, [...this.registry.endpoints.keys()]))),
      );
    }
    // A replica's own handle calls were checked in the replica (see ReplicaHandles).
    if (!internal && payloadTooDeep(payload)) {
      return Promise.resolve(fail(new ServeError('BAD_REQUEST', resultMessages.payloadTooDeep(endpoint, MAX_NESTING))));
    }
    const id = resolveRequestId(options.requestId).id;
    return this.dispatch(entry, new HandleRequest(entry.route, payload, id), options, internal);
  }

  /**
   * Why `method` cannot be called. The caller learns the backend's method names only with
   * `exposeErrors`: they are its internals, so otherwise only the server log (debug) lists them.
   */
  private noSuchMethod(backend: BackendDeployment, endpoint: string, method: string | undefined): string {
    if (!method) return messages.noHandlerMethod(backend.name, endpoint);
    if (this.exposeErrors) return messages.unknownMethod(backend.name, method, backend.spec.methods);
    this.logger.debug(messages.unknownCallMethodLog(backend.name, endpoint, method, backend.spec.methods));
    return messages.unknownCallMethod(backend.name, method);
  }

  private shadow(endpoint: EndpointEntry, name: string, request: ServeRequest, method?: string): void {
    const backend = this.registry.backends.get(name);
    const target = method ?? (backend && methodForEndpoint(backend.spec, endpoint.name));
    if (!backend || !target || !backend.spec.methods.includes(target)) return;
    if (backend.spec.multiplexing && request.modelId === undefined) {
      // A multiplexed shadow of a backend that is not: the request's own id sources, or no copy.
      try {
        request.modelId = resolveModelId(backend.name, request, undefined);
      } catch {
        return;
      }
    }
    backend.router.submitShadow(target, request, endpoint.name);
  }
}

function fail(error: ServeError): CallResult {
  return { ok: false, error };
}
