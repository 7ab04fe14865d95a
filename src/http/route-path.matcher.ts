/** How the host's router compares a request path with a route. */
export interface HostRouting {
  /** `/Echo` does not reach route `/echo`. Express: 'case sensitive routing', off by default; Fastify: `caseSensitive`, on by default. */
  readonly caseSensitive: boolean;
  /** `/echo/` does not reach route `/echo`. Express: 'strict routing', off by default; Fastify: not `ignoreTrailingSlash`, so on by default. */
  readonly strict: boolean;
  /**
   * Set for a router that matches the percent-decoded path, as Fastify's (find-my-way) does:
   * every escape but those of `/ ? # ; : @ & = + $ , %` is decoded before matching.
   */
  readonly decoded?: {
    /** `//echo` reaches `/echo`. Fastify: `ignoreDuplicateSlashes`, off by default. */
    readonly ignoreDuplicateSlashes: boolean;
    /** `/echo;x=1` reaches `/echo`. Fastify: `useSemicolonDelimiter`, off by default. */
    readonly semicolonDelimiter: boolean;
  };
}

/** Express's defaults: routes match case-insensitively, with or without one trailing slash. */
export const EXPRESS_DEFAULT_ROUTING: HostRouting = { caseSensitive: false, strict: false };

/** For a host whose rules are unknown: the narrowest matching, which can only refuse more, never reach more. */
export const NARROWEST_ROUTING: HostRouting = { caseSensitive: true, strict: true };

const ENCODED_SLASH = /%2f/i;
const DUPLICATE_SLASHES = /\/\/+/g;
const ENCODED_PERCENT = /%25/g;

/**
 * Turns the path of a request into the route path an endpoint is looked up by, comparing as
 * the host's router does, so that the host's middleware, guards and routes see the path the
 * endpoint does. On Express the path is never percent-decoded (it matches its routes and
 * path-scoped middleware on the raw path, so `/%70rivate` is not `/private` to it); on Fastify it
 * is decoded as find-my-way decodes it. An encoded slash (`%2F`) is refused outright on both.
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
   * Case is kept; compare with {@link RoutePathMatcher.routing}`.caseSensitive`. For a decoding
   * router, `path` is the whole raw pathname and `prefixLength` the length of the static part in
   * front of the wildcard that reached the catch-all route (its global prefix or mount point).
   */
  routeOf(path: string, prefixLength = 0): string | undefined {
    const { decoded, strict } = this.routing;
    if (decoded) {
      const normalised = decodedPath(path, decoded.ignoreDuplicateSlashes, decoded.semicolonDelimiter, strict);
      if (normalised === undefined) return undefined;
      path = normalised.slice(prefixLength) || '/';
      if (path[0] !== '/') path = '/' + path;
    } else if (!strict && path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    if (ENCODED_SLASH.test(path)) return undefined;
    if (path.length > 1 && path.endsWith('/')) return undefined;
    return path;
  }
}

/**
 * The path as find-my-way matches it: duplicate slashes merged when asked, cut at `;` when
 * asked, one trailing slash trimmed unless strict, then decoded but for the escapes of reserved
 * characters (`decodeURI` keeps those, and `%25` is kept too). `undefined` for a malformed escape.
 */
function decodedPath(path: string, mergeSlashes: boolean, semicolon: boolean, strict: boolean): string | undefined {
  if (semicolon) {
    const at = path.indexOf(';');
    if (at >= 0) path = path.slice(0, at);
  }
  if (mergeSlashes) path = path.replace(DUPLICATE_SLASHES, '/');
  if (!strict && path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (!path.includes('%')) return path;
  try {
    return decodeURI(path.replace(ENCODED_PERCENT, '%2525'));
  } catch {
    return undefined;
  }
}
