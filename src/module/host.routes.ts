import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { routeFor, type AppRoute } from '../http/app-route';
import { expressAppRoutes, placeCatchAllLast, type ExpressAppView } from '../http/express-catch-all';
import { fastifyRouteCovers } from '../http/fastify-route.cover';
import { hostRoutingOf } from '../http/host-routing';
import type { HostRequest } from '../http/request.mapper';
import { messages, observingMessages } from '../serve.messages';
import { EndpointResolver } from './endpoint.resolver';

/** Nest's route-path metadata key (`PATH_METADATA` of `@nestjs/common/constants`). */
const PATH_METADATA = 'path';
/** Marks the catch-all's method; Nest copies a route method's metadata onto the handler it registers. */
const CATCH_ALL_METADATA = 'nestjs-serve:catch-all';
/** The catch-all's wildcard on Express, named so that no app route is taken for it. */
const EXPRESS_WILDCARD = '{*nestjsServePath}';
/** find-my-way knows only a bare trailing `*`; the handler's metadata marks the route as ours. */
const FASTIFY_WILDCARD = '*';

/** The part of a Fastify route's options seen by an `onRoute` hook and used here. */
interface FastifyRouteOptions {
  method: string | string[];
  url: string;
  handler: object;
  onRequest?: FastifyHook | FastifyHook[];
}
type FastifyHook = (request: HostRequest, reply: { callNotFound(): void }) => Promise<unknown>;
interface FastifyView {
  addHook(name: 'onRoute', hook: (route: FastifyRouteOptions) => void): void;
}

/**
 * Keeps the catch-all route that serves every endpoint behind the app's own routes, whatever the
 * order of the app's `imports`: on Express it is moved to the end of the router's stack once Nest
 * has registered every route (find-my-way already tries a wildcard last). A request that is no
 * endpoint's (nor the metrics' or status page's) leaves it before the app's guards run, for the
 * app's next routes and the host's own 404. Knows the app's own routes, to say which one hides an
 * endpoint, and the prefix callers put before an endpoint's route.
 */
@Injectable()
export class HostRoutes implements OnModuleInit {
  private readonly logger = new Logger('nestjs-serve');
  /** The HTTP adapter's type (`express`, `fastify`), once the app has one. */
  type?: string;
  private readonly fastifyRoutes: AppRoute[] = [];
  private handler?: object;
  private catchAll?: string;
  private servesPath: (path: string) => boolean = () => false;
  private observedOption: (path: string) => string | undefined = () => undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly resolver: EndpointResolver,
  ) {
    // A testing module's app gets its adapter after the providers are built: Nest 12 says when.
    (adapterHost as { init$?: { subscribe(next: () => void): unknown } }).init$?.subscribe(() => this.setUp());
  }

  /**
   * Makes `handler` (the catch-all controller's method) the catch-all route of this app: called
   * when the controller is built, before Nest registers routes.
   */
  route(handler: object): void {
    this.handler = handler;
    Reflect.defineMetadata(PATH_METADATA, EXPRESS_WILDCARD, handler);
    Reflect.defineMetadata(CATCH_ALL_METADATA, true, handler);
    this.setUp();
  }

  /** Runs once Nest has registered every route of the app, before its 404 handler. */
  onModuleInit(): void {
    this.type ??= this.adapterHost.httpAdapter?.getType();
    if (this.type === 'fastify' && this.catchAll === undefined) this.logger.error(messages.fastifyAdapterTooLate());
    if (this.type !== 'express') return;
    const app = this.adapterHost.httpAdapter.getInstance<ExpressAppView>();
    this.catchAll = placeCatchAllLast(app, isExpressCatchAll, (req) => this.serves(req));
  }

  /** Also keeps requests for paths `serves` takes (the metrics' and status page's routes). */
  alsoServe(serves: (path: string) => boolean): void {
    this.servesPath = serves;
  }

  /**
   * Names the module option (`metrics.path`, `dashboard.path`) whose route is a path, for the
   * warning about an endpoint that route hides: it is answered before any endpoint.
   */
  observe(optionAt: (path: string) => string | undefined): void {
    this.observedOption = optionAt;
  }

  /** The path callers use for an endpoint's `route`: the catch-all's prefix (global prefix, version) before it. */
  callerPath(route: string): string {
    const prefix = this.catchAll?.slice(0, this.catchAll.lastIndexOf('/')) ?? '';
    return route === '/' && prefix ? prefix : prefix + route;
  }

  /**
   * Warns when an app route, the metrics' or the status page's route answers every request to an
   * endpoint's route, so the endpoint never gets one.
   */
  warnIfHidden(endpoint: string, route: string, methods: readonly string[]): void {
    const path = this.callerPath(route);
    const option = this.observedOption(route);
    if (option) return void this.logger.warn(observingMessages.endpointHiddenByObserving(endpoint, path, option));
    const routes = this.appRoutes();
    for (const method of methods) {
      const hiding = routeFor(routes, method, path);
      if (hiding) this.logger.warn(messages.endpointHidden(endpoint, method, path, hiding.path));
    }
  }

  /**
   * Once both the handler and the adapter are known: the catch-all's path as the adapter's router
   * writes it. The metadata is the method's, so it is set again for each app, as apps on both
   * adapters may share a process.
   */
  private setUp(): void {
    const type = this.adapterHost.httpAdapter?.getType();
    if (!this.handler || !type || this.type) return;
    this.type = type;
    if (type !== 'fastify') return;
    Reflect.defineMetadata(PATH_METADATA, FASTIFY_WILDCARD, this.handler);
    this.adapterHost.httpAdapter.getInstance<FastifyView>().addHook('onRoute', (route) => this.fastifyRoute(route));
  }

  private appRoutes(): AppRoute[] {
    if (this.type === 'fastify') return this.fastifyRoutes;
    if (this.type !== 'express') return [];
    return expressAppRoutes(this.adapterHost.httpAdapter.getInstance<ExpressAppView>(), isExpressCatchAll);
  }

  private fastifyRoute(route: FastifyRouteOptions): void {
    if (Reflect.getMetadata(CATCH_ALL_METADATA, route.handler) !== true) {
      const methods = new Set([route.method].flat().map((m) => m.toUpperCase()));
      const routing = hostRoutingOf(this.adapterHost.httpAdapter);
      const options = { caseSensitive: routing.caseSensitive, ignoreTrailingSlash: !routing.strict };
      this.fastifyRoutes.push({ methods, path: route.url, covers: (p) => fastifyRouteCovers(route.url, p, options) });
      return;
    }
    this.catchAll = route.url;
    const skip: FastifyHook = async (request, reply) => {
      if (this.serves(request)) return;
      reply.callNotFound();
      return reply;
    };
    route.onRequest = [skip, ...[route.onRequest ?? []].flat()];
  }

  /** Whether the catch-all answers `req`: an endpoint's path, or the metrics' or status page's. */
  private serves(req: HostRequest): boolean {
    const { path, match } = this.resolver.resolveAhead(req);
    return match !== undefined || this.servesPath(path);
  }
}

function isExpressCatchAll(path: string): boolean {
  return path.endsWith(`/${EXPRESS_WILDCARD}`);
}
