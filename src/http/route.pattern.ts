const PARAM = /^:([A-Za-z_$][\w$]*)$/;

/** One segment of a route: static text, or a parameter's name. */
type Segment = { readonly text: string; readonly folded: string } | { readonly param: string };

/**
 * A route with Nest-style parameters (`/models/:model/predict`), compiled once: matched segment
 * by segment against a raw path, without a regular expression. A parameter takes one whole,
 * non-empty segment; its value is percent-decoded once matched.
 */
export class RoutePattern {
  private readonly segments: readonly Segment[];
  /** The same for every route that matches exactly the same paths: parameters as `:`. */
  readonly shape: string;

  constructor(readonly route: string) {
    this.segments = route
      .split('/')
      .slice(1)
      .map((s) => {
        const param = PARAM.exec(s);
        return param ? { param: param[1] } : { text: s, folded: s.toLowerCase() };
      });
    this.shape = this.segments.map((s) => ('param' in s ? ':' : s.text)).join('/');
  }

  /** Whether `route` holds a parameter segment. */
  static isParameterised(route: string): boolean {
    return route.split('/').some((s) => PARAM.test(s));
  }

  /** The number of segments a matching path has. */
  get length(): number {
    return this.segments.length;
  }

  /**
   * The decoded parameters when `parts` (a path split at `/`, without the leading empty part)
   * matches, else `undefined`; also `undefined` for a parameter that is not valid percent-encoding.
   */
  match(parts: readonly string[], caseSensitive: boolean): Record<string, string> | undefined {
    if (parts.length !== this.segments.length) return undefined;
    let params: Record<string, string> | undefined;
    for (let i = 0; i < parts.length; i++) {
      const segment = this.segments[i];
      const part = parts[i];
      if ('param' in segment) {
        if (part === '') return undefined;
        (params ??= {})[segment.param] = part;
      } else if (caseSensitive ? part !== segment.text : part.toLowerCase() !== segment.folded) return undefined;
    }
    if (!params) return {};
    try {
      for (const name in params) if (params[name].includes('%')) params[name] = decodeURIComponent(params[name]);
    } catch {
      return undefined;
    }
    return params;
  }

  /**
   * Negative when `a` wins over `b` for a path both match: at the first segment where one is
   * static and the other a parameter, the static one wins (`/models/special/predict` over
   * `/models/:model/predict`). 0 only for routes of the same shape, which are ambiguous.
   */
  static precedence(a: RoutePattern, b: RoutePattern): number {
    const n = Math.min(a.segments.length, b.segments.length);
    for (let i = 0; i < n; i++) {
      const pa = 'param' in a.segments[i];
      const pb = 'param' in b.segments[i];
      if (pa !== pb) return pa ? 1 : -1;
    }
    return a.segments.length - b.segments.length;
  }
}
