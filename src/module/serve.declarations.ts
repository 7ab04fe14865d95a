import type { Type } from '@nestjs/common';
import { getBackendMetadata } from '../decorators/backend.metadata';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import { ServeError } from '../serve.errors';
import { messages, optionMessages } from '../serve.messages';
import { buildBackendDefinition, methodForEndpoint, type BackendDefinition } from '../backend/backend.definition';
import { resolveConfig } from '../options/backend-config.resolve';
import { validateBackendConfig, validateEndpointOptions, validateFunctionBackend } from '../options/config.validator';
import { assertNotInEntryFile } from './entry-module';
import { RoutePattern } from '../http/route.pattern';
import { normaliseRoute, routeTakenError, shapeKey } from './serve.registry';

/** An endpoint as the decorators declare it, weights normalised to sum to 1. */
export interface DeclaredEndpoint {
  name: string;
  route: string;
  methods: string[];
  traffic: Record<string, number>;
  /** See `EndpointOptions.stream`. */
  stream?: 'sse';
}

/** Backends and endpoints declared by the classes given to `ServeModule.forRoot()`. */
export interface Declarations {
  backends: { spec: BackendDefinition; config: ResolvedBackendConfig }[];
  endpoints: DeclaredEndpoint[];
}

/**
 * Reads and checks the decorators of `classes`. Throws a ServeError naming the class and the
 * option at the first problem, so a bad declaration fails start-up, not a request.
 * `caseSensitive`: whether the host's router tells `/Foo` from `/foo`; when it does not, two
 * routes that differ only in case are one route, refused for two endpoints.
 */
export function readDeclarations(classes: Type<unknown>[], caseSensitive = true): Declarations {
  const backends: Declarations['backends'] = [];
  /** `handlers`: the method of each declaring backend, so a second binding in one class is caught. */
  const endpoints = new Map<string, DeclaredEndpoint & { declaredBy: string; handlers: Map<string, string> }>();
  /** Owners by route, case-folded when the host ignores case. */
  const routes = new Map<string, { route: string; name: string }>();
  /** Routes with parameters by shape: two routes of one shape match the same paths. */
  const shapes = new Map<string, { route: string; name: string }>();
  for (const cls of classes) {
    validateFunctionBackend(cls);
    const metadata = getBackendMetadata(cls);
    const subject = `@Backend() of class '${cls?.name ?? cls}'`;
    if (!metadata)
      throw new ServeError(
        'INVALID_CONFIG',
        messages.notABackend(`Class '${cls?.name ?? String(cls)}' (in ServeModule.forRoot backends)`),
      );
    const { definedIn: _definedIn, ...options } = metadata;
    validateBackendConfig(subject, options, true);
    const spec = buildBackendDefinition(cls, undefined, options);
    const taken = backends.find((b) => b.spec.name === spec.name)?.spec;
    if (taken) throw new ServeError('CONFLICT', optionMessages.duplicateDeclaredBackend(spec.name, taken, spec));
    backends.push({ spec, config: resolveConfig(options) });
    for (const { options: ep, handler } of spec.bindings) {
      const where = `@Endpoint() on ${cls.name}${handler === 'call' ? '' : `.${handler}`}`;
      validateEndpointOptions(where, ep);
      if (!spec.methods.includes(handler))
        throw new ServeError('INVALID_CONFIG', messages.noHandlerMethod(spec.name, ep.name ?? ep.route));
      const name = ep.name ?? ep.route;
      const methods = ep.methods ?? ['GET'];
      const route = normaliseRoute(ep.route);
      const key = caseSensitive ? route : route.toLowerCase();
      const owner = routes.get(key);
      if (owner && owner.name !== name) throw routeTakenError(route, name, owner.route, owner.name);
      routes.set(key, { route, name });
      if (RoutePattern.isParameterised(route)) {
        const shape = shapeKey(new RoutePattern(route).shape, caseSensitive);
        const other = shapes.get(shape);
        if (other && other.route !== route)
          throw new ServeError('CONFLICT', messages.ambiguousRoutes(route, name, other.route, other.name));
        shapes.set(shape, { route, name });
      }
      const existing = endpoints.get(name);
      if (!existing) {
        const traffic = { [spec.name]: ep.weight ?? 1 };
        const handlers = new Map([[spec.name, handler]]);
        endpoints.set(name, { name, route, methods, traffic, stream: ep.stream, declaredBy: spec.name, handlers });
        continue;
      }
      const first = existing.handlers.get(spec.name);
      // Only one binding per backend can be called: requests would all go to the first.
      if (first !== undefined)
        throw new ServeError('CONFLICT', messages.endpointBoundTwice(name, spec.name, route, first, handler));
      if (existing.route !== route)
        throw new ServeError(
          'CONFLICT',
          messages.endpointSettingsDiffer(name, existing.declaredBy, spec.name, 'routes'),
        );
      if ([...existing.methods].sort().join() !== [...methods].sort().join()) {
        throw new ServeError(
          'CONFLICT',
          messages.endpointSettingsDiffer(name, existing.declaredBy, spec.name, 'methods'),
        );
      }
      existing.traffic[spec.name] = ep.weight ?? 1;
      existing.handlers.set(spec.name, handler);
    }
  }
  const declared = [...endpoints.values()].map(({ declaredBy: _by, handlers: _handlers, ...endpoint }) => ({
    ...endpoint,
    traffic: normalise(endpoint.traffic),
  }));
  for (const endpoint of declared) {
    if (Object.values(endpoint.traffic).every((w) => w === 0))
      throw new ServeError('INVALID_CONFIG', messages.trafficEmpty(endpoint.name));
    for (const backend of Object.keys(endpoint.traffic)) {
      const spec = backends.find((b) => b.spec.name === backend)!.spec;
      if (!methodForEndpoint(spec, endpoint.name))
        throw new ServeError('INVALID_CONFIG', messages.noHandlerMethod(backend, endpoint.name));
    }
  }
  // Last, so that a bad option is reported first: in a test file (the entry of node --test) it is the point.
  for (const { spec } of backends) assertNotInEntryFile(spec);
  return { backends, endpoints: declared };
}

function normalise(weights: Record<string, number>): Record<string, number> {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  if (total === 0) return weights;
  return Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, w / total]));
}
