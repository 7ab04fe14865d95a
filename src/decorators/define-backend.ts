import { BACKEND_METADATA, BATCH_METADATA, ENDPOINTS_METADATA, FUNCTION_BACKEND_METADATA } from '../serve.constants';
import type { BackendOptions } from '../interfaces/backend-config.interface';
import type { EndpointOptions } from '../interfaces/endpoint-options.interface';
import type { ServeRequest } from '../interfaces/serve-request.interface';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { BackendMetadata } from './backend.decorator';
import type { EndpointBinding } from './endpoint.decorator';
import { locateDefiningSite } from './defining-file.locator';
import { callSite, type FunctionBackendRecord } from './function-backend.naming';

/** Options of {@link defineBackend}: the `@Backend()` options, plus an endpoint and batching. */
export interface FunctionBackendOptions extends BackendOptions {
  /**
   * Backend name. Default: the name the module exports the backend under (`hello` for
   * `export const hello = defineBackend(...)`).
   */
  name?: string;
  /** An endpoint served by the function, as `@Endpoint()` on a class. */
  endpoint?: EndpointOptions;
  /** The function takes an array of requests and returns an array of results, as `@Batch()`. */
  batch?: boolean;
}

/** The instance a function backend's replicas run: its one method `call` runs the function. */
export interface FunctionBackendInstance<Result = unknown> {
  call(request: ServeRequest): Result;
}

/**
 * What {@link defineBackend} returns: a backend class, usable wherever a `@Backend()` class is
 * (`ServeModule.forRoot({ backends })`, `ServeService.createBackend(name, backend)`).
 */
export type FunctionBackend<Result = unknown> = new () => FunctionBackendInstance<Result>;

/**
 * Turns a plain (sync or async) function into a backend, as Ray Serve's function backends:
 *
 * ```ts
 * export const hello = defineBackend((req: ServeRequest) => 'hello world', {
 *   numReplicas: 2,
 *   endpoint: { route: '/hello' },
 * });
 * ```
 *
 * Each replica runs the function for its requests; with `batch: true` it receives an array of up
 * to `maxBatchSize` requests and returns an array of results of the same length, in order. Like a
 * `@Backend()` class, the result must be exported from its module (replicas load it from there);
 * the module is found from where `defineBackend` is called, and the backend is named after its
 * export unless `name` is set. Options are checked when the app starts with it (or `createBackend`
 * runs), as `@Backend()`'s: an unknown or invalid one is refused naming it and the closest known name.
 */
export function defineBackend<Result>(
  handler: (requests: ServeRequest[]) => Result[] | Promise<Result[]>,
  options: FunctionBackendOptions & { batch: true },
): FunctionBackend<Result[] | Promise<Result[]>>;
export function defineBackend<Result>(
  handler: (request: ServeRequest) => Result | Promise<Result>,
  options?: FunctionBackendOptions & { batch?: false },
): FunctionBackend<Result | Promise<Result>>;
export function defineBackend(
  handler: (request: never) => unknown,
  options: FunctionBackendOptions = {},
): FunctionBackend {
  const located = locateDefiningSite();
  const site = located && callSite(located);
  const where = site ? `defineBackend() at ${site.file}:${site.line}:${site.column}` : 'defineBackend()';
  if (typeof handler !== 'function') throw new ServeError('INVALID_CONFIG', messages.notAFunction(where, handler));
  const { endpoint, batch, ...backendOptions } = options;
  const generated = class {
    call(request: never): unknown {
      return handler(request);
    }
  };
  // A name the replica's own evaluation of the module gives the class too: the host's lookup of
  // the export renames it later (see nameFunctionBackend), the replica finds it by export name.
  Object.defineProperty(generated, 'name', { value: options.name ?? (handler.name || ''), configurable: true });
  const metadata: BackendMetadata = { ...backendOptions, definedIn: options.modulePath ?? site?.file };
  Reflect.defineMetadata(BACKEND_METADATA, metadata, generated);
  if (endpoint) {
    const bindings: EndpointBinding[] = [{ options: endpoint, handler: 'call' }];
    Reflect.defineMetadata(ENDPOINTS_METADATA, bindings, generated);
  }
  if (batch) Reflect.defineMetadata(BATCH_METADATA, ['call'], generated);
  const record: FunctionBackendRecord = { where, site, named: false, options };
  Reflect.defineMetadata(FUNCTION_BACKEND_METADATA, record, generated);
  return generated as FunctionBackend;
}
