/** How the host's router compares a request path with a route. */
export interface HostRouting {
  /** `/Echo` does not reach route `/echo`. Express: 'case sensitive routing', off by default. */
  readonly caseSensitive: boolean;
  /** `/echo/` does not reach route `/echo`. Express: 'strict routing', off by default. */
  readonly strict: boolean;
}

/** Express's defaults: routes match case-insensitively, with or without one trailing slash. */
export const EXPRESS_DEFAULT_ROUTING: HostRouting = { caseSensitive: false, strict: false };

/** For a host whose rules are unknown: the narrowest matching, which can only refuse more, never reach more. */
export const NARROWEST_ROUTING: HostRouting = { caseSensitive: true, strict: true };

const ENCODED_SLASH = /%2f/i;

/**
 * Turns the raw path of a request into the route path an endpoint is looked up by, comparing
 * as the host's router does. The path is never percent-decoded: the host matches its routes and
 * path-scoped middleware on the raw path, so `/%70rivate` is not `/private` to its middleware and
 * must not be to an endpoint either. An encoded slash (`%2F`) is refused outright.
 */
export class RoutePathMatcher {
  constructor(readonly routing: HostRouting) {}

  /**
   * The part of `pathname` (raw) that a trailing wildcard parameter matched, given the number of
   * segments the router split it into: the path below the global prefix or any mount point,
   * still raw. `segments` 0 means the wildcard matched nothing (`/`).
   */
  static wildcardPart(pathname: string, segments: number): string {
    let at = pathname.length;
    for (let i = 0; i < segments; i++) {
      if (at <= 0) return pathname;
      at = pathname.lastIndexOf('/', at - 1);
      if (at < 0) return pathname;
    }
    return segments === 0 ? '/' : pathname.slice(at);
  }

  /**
   * The route path that the raw `path` names for the host, or `undefined` when no route can match
   * it: an encoded slash, or (unless strict) more than one trailing slash left after trimming one.
   * Case is kept; compare with {@link RoutePathMatcher.routing}`.caseSensitive`.
   */
  routeOf(path: string): string | undefined {
    if (ENCODED_SLASH.test(path)) return undefined;
    if (!this.routing.strict && path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    if (path.length > 1 && path.endsWith('/')) return undefined;
    return path;
  }
}
