import type { EndpointInfo } from '../interfaces/endpoint-options.interface';
import { Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { hostRoutingOf } from '../http/host-routing';
import { RoutePattern } from '../http/route.pattern';
import { TrafficPolicy, type WeightMap } from '../router/traffic.policy';
import { splitUses } from '../router/split.uses';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { BackendDeployment } from '../backend/backend.deployment';

/** One endpoint at run time. Replaced as a whole on change, so a request sees one consistent version. */
export interface EndpointEntry {
  readonly name: string;
  readonly route: string;
  readonly methods: readonly string[];
  /** The methods a request may use: {@link EndpointEntry.methods}, plus `HEAD` where `GET` is allowed. */
  readonly accepts: ReadonlySet<string>;
  /** The `Allow` header of a 405 answer. */
  readonly allow: string;
  readonly policy: TrafficPolicy;
  /** The compiled route, for a route with parameters (`/models/:model/predict`). */
  readonly pattern?: RoutePattern;
  /** `'sse'`: streams go out as Server-Sent Events whatever the client's `Accept`. */
  readonly stream?: 'sse';
}

/** An endpoint found for a request path, with the path's parameters (decoded). */
export interface RouteMatch {
  readonly endpoint: EndpointEntry;
  readonly params: Record<string, string>;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The live tables: backends by name, endpoints by name and by route. */
@Injectable()
export class ServeRegistry {
  readonly backends = new Map<string, BackendDeployment>();
  readonly endpoints = new Map<string, EndpointEntry>();
  private readonly routes = new Map<string, EndpointEntry>();
  /** Routes by lower-cased path, for hosts that match routes case-insensitively (Express's default). */
  private readonly foldedRoutes = new Map<string, EndpointEntry>();
  /** Routes with parameters by segment count, each list in precedence order (static segments first). */
  private readonly patterns = new Map<number, EndpointEntry[]>();
  /** Set when the app starts closing: new calls are refused and answers close their connections. */
  closed = false;

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  /**
   * Whether the host's router tells routes apart by case (Fastify's default; Express with 'case
   * sensitive routing'). When it does not, `/Foo` and `/foo` are one route to it, so to us too.
   */
  get caseSensitive(): boolean {
    return hostRoutingOf(this.adapterHost?.httpAdapter).caseSensitive;
  }

  /** The backend called `name`, or a NOT_FOUND error. */
  backend(name: string): BackendDeployment {
    const backend = this.backends.get(name);
    if (!backend) throw new ServeError('NOT_FOUND', messages.unknownBackend(name, [...this.backends.keys()]));
    return backend;
  }

  /** The endpoint called `name`, or a NOT_FOUND error. */
  endpoint(name: string): EndpointEntry {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw new ServeError('NOT_FOUND', messages.unknownEndpoint(name, [...this.endpoints.keys()]));
    return endpoint;
  }

  /**
   * The endpoint whose route is `path` exactly (the caller has already applied the host's
   * trailing-slash rule), or one whose route differs only in case when `caseSensitive` is false.
   */
  endpointForPath(path: string, caseSensitive = true): EndpointEntry | undefined {
    return this.routes.get(path) ?? (caseSensitive ? undefined : this.foldedRoutes.get(path.toLowerCase()));
  }

  /**
   * The endpoint a request path reaches, with its parameters: a static route by one map lookup,
   * else the first route with parameters that matches, in precedence order.
   */
  match(path: string, caseSensitive = true): RouteMatch | undefined {
    const endpoint = this.endpointForPath(path, caseSensitive);
    if (endpoint) return { endpoint, params: NO_PARAMS };
    if (this.patterns.size === 0) return undefined;
    const parts = path.split('/');
    parts.shift();
    for (const candidate of this.patterns.get(parts.length) ?? []) {
      const params = candidate.pattern?.match(parts, caseSensitive);
      if (params) return { endpoint: candidate, params };
    }
    return undefined;
  }

  /**
   * Throws a CONFLICT naming both endpoints when `route` (for endpoint `name`) would match
   * exactly the paths of another endpoint's route with parameters; changes nothing.
   */
  assertUnambiguous(name: string, route: string): void {
    if (!RoutePattern.isParameterised(route)) return;
    const pattern = new RoutePattern(normaliseRoute(route));
    const caseSensitive = this.caseSensitive;
    const shape = shapeKey(pattern.shape, caseSensitive);
    for (const other of this.patterns.get(pattern.length) ?? [])
      if (other.name !== name && shapeKey(other.pattern!.shape, caseSensitive) === shape && other.route !== route)
        throw new ServeError('CONFLICT', messages.ambiguousRoutes(route, name, other.route, other.name));
  }

  /**
   * Throws a CONFLICT naming the other endpoint when `route` (for endpoint `name`) is another
   * endpoint's route, as the host's router compares routes (case, trailing slash); changes nothing.
   */
  assertRouteFree(name: string, route: string): void {
    const owner = this.routeOwner(route);
    if (owner && owner.name !== name) throw routeTakenError(route, name, owner.route, owner.name);
  }

  /** The endpoint owning `route`, if any: a route that differs only in case too when the host ignores case. */
  routeOwner(route: string): EndpointEntry | undefined {
    return this.endpointForPath(normaliseRoute(route), this.caseSensitive);
  }

  /** Adds or replaces an endpoint. */
  putEndpoint(
    name: string,
    route: string,
    methods: readonly string[],
    traffic: WeightMap,
    shadows: WeightMap,
    stream?: 'sse',
  ): EndpointEntry {
    this.assertRouteFree(name, route);
    this.assertUnambiguous(name, route);
    const previous = this.endpoints.get(name);
    if (previous) this.unroute(previous);
    // As Express does for its routes, a GET endpoint also answers HEAD.
    const accepts = new Set(methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])));
    const key = normaliseRoute(route);
    const entry: EndpointEntry = {
      name,
      route,
      methods: [...methods],
      accepts,
      allow: [...accepts].join(', '),
      policy: new TrafficPolicy({ ...traffic }, { ...shadows }),
      pattern: RoutePattern.isParameterised(key) ? new RoutePattern(key) : undefined,
      stream,
    };
    this.endpoints.set(name, entry);
    this.routes.set(key, entry);
    if (entry.pattern) {
      const list = [...(this.patterns.get(entry.pattern.length) ?? []), entry];
      list.sort((a, b) => RoutePattern.precedence(a.pattern as RoutePattern, b.pattern as RoutePattern));
      this.patterns.set(entry.pattern.length, list);
    }
    if (!this.foldedRoutes.has(key.toLowerCase())) this.foldedRoutes.set(key.toLowerCase(), entry);
    return entry;
  }

  /** Removes an endpoint. */
  deleteEndpoint(name: string): void {
    const entry = this.endpoints.get(name);
    if (!entry) return;
    this.endpoints.delete(name);
    this.unroute(entry);
  }

  private unroute(entry: EndpointEntry): void {
    const key = normaliseRoute(entry.route);
    this.routes.delete(key);
    if (entry.pattern) {
      const rest = (this.patterns.get(entry.pattern.length) ?? []).filter((e) => e !== entry);
      if (rest.length) this.patterns.set(entry.pattern.length, rest);
      else this.patterns.delete(entry.pattern.length);
    }
    const folded = key.toLowerCase();
    if (this.foldedRoutes.get(folded) !== entry) return;
    this.foldedRoutes.delete(folded);
    // Another route that differs only in case now answers the case-insensitive lookups.
    for (const [other, owner] of this.routes)
      if (other.toLowerCase() === folded) return void this.foldedRoutes.set(folded, owner);
  }

  /** Every endpoint with its route, methods, traffic and shadows (copies), as `listEndpoints()` shows them. */
  describeEndpoints(): Record<string, EndpointInfo> {
    return Object.fromEntries(
      [...this.endpoints].map(([name, e]) => [
        name,
        { route: e.route, methods: [...e.methods], traffic: { ...e.policy.traffic }, shadows: { ...e.policy.shadows } },
      ]),
    );
  }

  /** Endpoints whose traffic (weight 0 included) or shadows name `backend`. */
  endpointsUsing(backend: string): string[] {
    return [...this.endpoints.values()].filter((e) => splitUses(e.policy, backend)).map((e) => e.name);
  }
}

/** The CONFLICT for endpoint `name` wanting `route`, which is (or, ignoring case, matches) `ownerRoute` of `owner`. */
export function routeTakenError(route: string, name: string, ownerRoute: string, owner: string): ServeError {
  if (normaliseRoute(ownerRoute) === normaliseRoute(route))
    return new ServeError('CONFLICT', messages.routeTaken(route, owner, name));
  return new ServeError('CONFLICT', messages.routeTakenIgnoringCase(route, name, ownerRoute, owner));
}

/** The key two routes with parameters share when they match the same paths. */
export function shapeKey(shape: string, caseSensitive: boolean): string {
  return caseSensitive ? shape : shape.toLowerCase();
}

/** A route without its trailing slash (`/` stays `/`). */
export function normaliseRoute(route: string): string {
  return route.length > 1 && route.endsWith('/') ? route.replace(/\/+$/, '') || '/' : route;
}
