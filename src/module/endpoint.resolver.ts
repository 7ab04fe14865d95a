import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ServeRegistry, type RouteMatch } from './serve.registry';
import { hostRoutingOf } from '../http/host-routing';
import type { HostRequest } from '../http/request.mapper';
import { RoutePathMatcher } from '../http/route-path.matcher';

/** The name of the Express catch-all route's wildcard parameter (`{*nestjsServePath}`). */
export const WILDCARD_PARAM = 'nestjsServePath';

/** A request's endpoint: the route path it names (below any prefix) and what it reached. */
export interface ResolvedRequest {
  readonly path: string;
  readonly match: RouteMatch | undefined;
}

/**
 * Finds the endpoint a request to the catch-all route reaches, comparing paths as the host's
 * router does (see {@link RoutePathMatcher}): on Express from the raw path and the wildcard's
 * segments, on Fastify from the path find-my-way matched, below the catch-all route's prefix.
 */
@Injectable()
export class EndpointResolver {
  /** Set on the first request: the host's router settings are final once it serves. */
  private matcher?: RoutePathMatcher;

  constructor(
    private readonly registry: ServeRegistry,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The endpoint `req` reaches, or `match: undefined` (then the host's 404 answers). */
  resolve(req: HostRequest): ResolvedRequest {
    const known = (req as Resolved)[RESOLVED];
    if (known) return known;
    return ((req as Resolved)[RESOLVED] = this.lookUp(req));
  }

  private lookUp(req: HostRequest): ResolvedRequest {
    const matcher = (this.matcher ??= new RoutePathMatcher(hostRoutingOf(this.adapterHost.httpAdapter)));
    const raw = rawPathname(req);
    const path = matcher.routing.decoded
      ? matcher.routeOf(raw, prefixLength(req.routeOptions?.url))
      : matcher.routeOf(RoutePathMatcher.wildcardPart(raw, segmentCount(req.params?.[WILDCARD_PARAM])));
    if (path === undefined) return { path: raw, match: undefined };
    return { path, match: this.registry.match(path, matcher.routing.caseSensitive) };
  }
}

/** Where a request keeps its resolution: the catch-all's check and its handler resolve it once. */
const RESOLVED = Symbol('nestjs-serve.resolved');
type Resolved = HostRequest & { [RESOLVED]?: ResolvedRequest };

/** The request's path as the host's router received it: not percent-decoded, without the query. */
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

/** The length of the static part of a Fastify wildcard route (`/api/*` → 4). */
function prefixLength(route: string | undefined): number {
  return route?.endsWith('/*') ? route.length - 2 : 0;
}
