import type { AppRoute } from './app-route';
import type { HostRequest } from './request.mapper';

type Next = (signal?: 'route') => void;
type Handler = (req: HostRequest, res: unknown, next: Next) => void;

/** The part of an Express 5 route (`router` package) used here. */
interface ExpressRoute {
  path: string;
  methods: Record<string, boolean | undefined>;
  stack: unknown[];
  all(handler: Handler): ExpressRoute;
}

/** One entry of an Express 5 router's stack: a middleware, or a route when `route` is set. */
interface ExpressLayer {
  route?: ExpressRoute;
  match(path: string): unknown;
}

/** The part of an Express 5 app used here. */
export interface ExpressAppView {
  router?: { stack: ExpressLayer[] };
}

/**
 * Moves the catch-all route (the route whose path `isCatchAll` says is ours) behind every other
 * route of the app, and puts a check in front of its handlers that sends a request it does not
 * serve (`serves` false) on to the app's next routes and the host's own 404, before any guard,
 * interceptor or pipe runs. Returns the catch-all's path as registered (global prefix included).
 */
export function placeCatchAllLast(
  app: ExpressAppView,
  isCatchAll: (path: string) => boolean,
  serves: (req: HostRequest) => boolean,
): string | undefined {
  const stack = app.router?.stack;
  const index = stack?.findIndex((layer) => layer.route && isCatchAll(layer.route.path)) ?? -1;
  if (!stack || index < 0) return undefined;
  const [layer] = stack.splice(index, 1);
  stack.push(layer);
  const route = layer.route!;
  route.all((req, _res, next) => (serves(req) ? next() : next('route')));
  route.stack.unshift(route.stack.pop());
  return route.path;
}

/** The app's own routes in an Express 5 app, in the order its router tries them. */
export function expressAppRoutes(app: ExpressAppView, isCatchAll: (path: string) => boolean): AppRoute[] {
  const routes: AppRoute[] = [];
  for (const layer of app.router?.stack ?? []) {
    const route = layer.route;
    if (!route || isCatchAll(route.path)) continue;
    const methods = new Set(
      Object.keys(route.methods)
        .filter((m) => route.methods[m])
        .map((m) => (m === '_all' ? 'ALL' : m.toUpperCase())),
    );
    routes.push({ methods, path: String(route.path), covers: (path) => layer.match(path) !== false });
  }
  return routes;
}
