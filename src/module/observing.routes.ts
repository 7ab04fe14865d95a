import { Inject, Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { renderDashboardPage } from '../dashboard/dashboard.page';
import { setHeader, type HostResponse } from '../http/response.mapper';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { MetricsExporter } from '../metrics/metrics.exporter';
import { SERVE_OPTIONS } from '../serve.constants';
import { ServeSignals } from '../signals/serve.signals';
import { ServeService } from './serve.service';

type Answer = (res: HostResponse, requestPath: string) => unknown;

/**
 * The routes of the module options `metrics.path` (Prometheus text format) and `dashboard.path`
 * (the status page, and its JSON at `<path>/status.json`). The catch-all `ServeController` asks
 * here first, so they are routes of the host app like the endpoints: its global prefix, guards,
 * middleware and interceptors apply, and paths given to `forRootAsync()` work as well as static ones.
 * Only GET (and HEAD) are answered; everything else goes on to the endpoints.
 */
@Injectable()
export class ObservingRoutes {
  private readonly routes = new Map<string, Answer>();
  private exporter?: MetricsExporter;
  private registry?: Registry;

  constructor(
    @Inject(SERVE_OPTIONS) private readonly options: ServeModuleOptions,
    private readonly service: ServeService,
    private readonly signals: ServeSignals,
  ) {}

  /** Registers the metrics (once the options are validated) and opens the routes. */
  start(): void {
    const { metrics, dashboard } = this.options;
    if (metrics) {
      this.registry = metrics.registry ?? new Registry();
      this.exporter = new MetricsExporter(
        this.registry,
        { status: () => this.service.status(), recorders: () => this.signals.backends() },
        metrics.prefix,
      );
      if (metrics.path !== undefined) this.routes.set(trimSlash(metrics.path), (res) => this.metrics(res));
    }
    if (dashboard) {
      const page = trimSlash(dashboard.path);
      this.routes.set(page, (res, requestPath) => {
        noStore(res, 'text/html; charset=utf-8');
        const statusUrl = `${trimSlash(requestPath)}/status.json`;
        return renderDashboardPage(this.service.status(), { statusUrl, refreshMs: dashboard.refreshMs });
      });
      this.routes.set(`${page === '/' ? '' : page}/status.json`, (res) => {
        noStore(res, 'application/json; charset=utf-8');
        return this.service.status();
      });
    }
  }

  /** Takes the metrics out of the registry (a user's registry outlives the app). */
  stop(): void {
    this.exporter?.unregister();
    this.exporter = undefined;
  }

  /**
   * The answer when `path` (the route part of the request, after the global prefix) is one of
   * these routes and `method` is GET or HEAD; `undefined` otherwise. `requestPath` is the whole
   * path the caller used, for the page's link to its JSON.
   */
  answer(path: string, method: string, res: HostResponse, requestPath: string): unknown {
    if (this.routes.size === 0 || (method !== 'GET' && method !== 'HEAD')) return undefined;
    const route = this.routes.get(trimSlash(path));
    return route && route(res, requestPath);
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
