/** A route of the host app (not an endpoint): what it answers, as its router matches paths. */
export interface AppRoute {
  /** The HTTP methods it answers (upper case); `ALL` for every method. */
  readonly methods: ReadonlySet<string>;
  /** The route as the app registered it, global prefix included (`/api/users/:id`). */
  readonly path: string;
  /** Whether the host's router sends a request for `path` (raw, no query) to this route. */
  covers(path: string): boolean;
}

/** Whether `route` answers `method` (a `GET` route answers `HEAD` too, as both routers do). */
export function answersMethod(route: AppRoute, method: string): boolean {
  return route.methods.has('ALL') || route.methods.has(method) || (method === 'HEAD' && route.methods.has('GET'));
}

/** The first of `routes` that answers `method` on `path`, if any. */
export function routeFor(routes: Iterable<AppRoute>, method: string, path: string): AppRoute | undefined {
  for (const route of routes) if (answersMethod(route, method) && route.covers(path)) return route;
  return undefined;
}
