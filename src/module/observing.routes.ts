import { HttpException, Inject, Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { renderDashboardPage } from '../dashboard/dashboard.page';
import { setHeader, type HostResponse } from '../http/response.mapper';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { MetricsExporter } from '../metrics/metrics.exporter';
import { SERVE_OPTIONS } from '../serve.constants';
import { observingMessages } from '../serve.messages';
import { ServeSignals } from '../signals/serve.signals';
import { HostRoutes } from './host.routes';
import { ServeService } from './serve.service';

type Answer = (res: HostResponse, requestPath: string) => unknown;

/** One of these routes: the module option that set its path, and its GET answer. */
interface Route {
  readonly option: 'metrics.path' | 'dashboard.path';
  readonly answer: Answer;
}

/**
 * The routes of the module options `metrics.path` (Prometheus text format) and `dashboard.path`
 * (the status page, and its JSON at `<path>/status.json`). The catch-all `ServeController` asks
 * here first, so they are routes of the host app like the endpoints: its global prefix, guards,
 * middleware and interceptors apply, and paths given to `forRootAsync()` work as well as static ones.
 * Only GET (and HEAD) are answered; other methods get a 405 with `Allow: GET, HEAD`, as an
 * endpoint's route would (these paths win over an endpoint's route for every method).
 */
@Injectable()
export class ObservingRoutes {
  private readonly routes = new Map<string, Route>();
  private exporter?: MetricsExporter;
  private registry?: Registry;

  constructor(
    @Inject(SERVE_OPTIONS) private readonly options: ServeModuleOptions,
    private readonly service: ServeService,
    private readonly signals: ServeSignals,
    private readonly hostRoutes: HostRoutes,
  ) {}

  /**
   * Registers the metrics (once the options are validated) and opens the routes; an endpoint
   * with the same route is warned about, as these routes win.
   */
  start(): void {
    const { metrics, dashboard } = this.options;
    if (metrics) {
      this.registry = metrics.registry ?? new Registry();
      this.exporter = new MetricsExporter(
        this.registry,
        { status: () => this.service.status(), recorders: () => this.signals.backends() },
        metrics.prefix,
      );
      if (metrics.path !== undefined)
        this.routes.set(trimSlash(metrics.path), { option: 'metrics.path', answer: (res) => this.metrics(res) });
    }
    if (dashboard) {
      const page = trimSlash(dashboard.path);
      this.routes.set(page, {
        option: 'dashboard.path',
        answer: (res, requestPath) => {
          noStore(res, 'text/html; charset=utf-8');
          const statusUrl = `${trimSlash(requestPath)}/status.json`;
          return renderDashboardPage(this.service.status(), { statusUrl, refreshMs: dashboard.refreshMs });
        },
      });
      this.routes.set(`${page === '/' ? '' : page}/status.json`, {
        option: 'dashboard.path',
        answer: (res) => {
          noStore(res, 'application/json; charset=utf-8');
          return this.service.status();
        },
      });
    }
    this.hostRoutes.observe((path) => this.routes.get(trimSlash(path))?.option);
  }

  /** Takes the metrics out of the registry (a user's registry outlives the app). */
  stop(): void {
    this.exporter?.unregister();
    this.exporter = undefined;
  }

  /**
   * The answer when `path` (the route part of the request, after the global prefix) is one of
   * these routes and `method` is GET or HEAD; `undefined` when it is none of them. Throws a 405
   * naming the path for any other method. `requestPath` is the whole path the caller used, for
   * the page's link to its JSON and the 405's message.
   */
  answer(path: string, method: string, res: HostResponse, requestPath: string): unknown {
    if (this.routes.size === 0) return undefined;
    const route = this.routes.get(trimSlash(path));
    if (!route) return undefined;
    if (method === 'GET' || method === 'HEAD') return route.answer(res, requestPath);
    setHeader(res, 'allow', 'GET, HEAD');
    const message = observingMessages.observingMethodNotAllowed(method, requestPath, route.option);
    throw new HttpException({ statusCode: 405, error: 'Method Not Allowed', message }, 405);
  }

  /** True when `path` is one of these routes. */
  has(path: string): boolean {
    return this.routes.has(trimSlash(path));
  }

  private async metrics(res: HostResponse): Promise<string> {
    noStore(res, this.registry!.contentType);
    return this.registry!.metrics();
  }
}

function noStore(res: HostResponse, contentType: string): void {
  setHeader(res, 'cache-control', 'no-store');
  setHeader(res, 'content-type', contentType);
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') || '/' : path;
}
