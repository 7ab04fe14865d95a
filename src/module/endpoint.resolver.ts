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
  /** The request's path as the host's router received it: not percent-decoded, without the query. */
  readonly raw: string;
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
  /**
   * The request the catch-all's check resolved last, and its resolution, for that request's
   * handler: the two run back to back unless a guard or interceptor waits on I/O (then the handler
   * looks the path up again). Kept here, not on the request: a property added to Express's request
   * object cost more than the look-up itself.
   */
  private handedRequest?: HostRequest;
  private handedResolution?: ResolvedRequest;

  constructor(
    private readonly registry: ServeRegistry,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The endpoint `req` reaches, or `match: undefined` (then the host's 404 answers). */
  resolve(req: HostRequest): ResolvedRequest {
    if (req !== this.handedRequest) return this.lookUp(req);
    const resolved = this.handedResolution!;
    this.handedRequest = this.handedResolution = undefined;
    return resolved;
  }

  /** {@link EndpointResolver.resolve}, keeping the answer for the same request's next `resolve` (the catch-all's check). */
  resolveAhead(req: HostRequest): ResolvedRequest {
    const resolved = this.lookUp(req);
    this.handedRequest = req;
    this.handedResolution = resolved;
    return resolved;
  }

  private lookUp(req: HostRequest): ResolvedRequest {
    const matcher = (this.matcher ??= new RoutePathMatcher(hostRoutingOf(this.adapterHost.httpAdapter)));
    const raw = rawPathname(req);
    const path = matcher.routing.decoded
      ? matcher.routeOf(raw, prefixLength(req.routeOptions?.url))
      : matcher.routeOf(RoutePathMatcher.wildcardPart(raw, segmentCount(req.params?.[WILDCARD_PARAM])));
    if (path === undefined) return { path: raw, match: undefined, raw };
    return { path, match: this.registry.match(path, matcher.routing.caseSensitive), raw };
  }
}

/**
 * The request's path as the host's router received it: not percent-decoded, without the query.
 * Express's `req.path` is a getter that looks the parsed URL up again on each read: read it once.
 */
function rawPathname(req: HostRequest): string {
  const path = req.path;
  if (typeof path === 'string') return path;
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
