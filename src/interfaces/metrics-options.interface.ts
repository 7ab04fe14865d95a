import type { Registry } from 'prom-client';

/**
 * Module option `metrics`: Prometheus metrics of every backend, endpoint and replica.
 * Off unless set.
 */
export interface ServeMetricsOptions {
  /** Serve the Prometheus text format at this path of the host app (a Nest route: host guards apply). */
  path?: string;
  /**
   * Register the metrics into this registry (e.g. the one of `@willsoto/nestjs-prometheus`, to get
   * them on its `/metrics`). Default: a registry of nestjs-serve's own.
   */
  registry?: Registry;
  /** Prefix of every metric name. Default `nestjs_serve_`. */
  prefix?: string;
}

/** Module option `dashboard`: the read-only status page. Off unless set. */
export interface ServeDashboardOptions {
  /** Path of the page in the host app, e.g. `/serve`; its JSON is at `<path>/status.json`. */
  path: string;
  /** How often the open page refreshes, in ms. Default 1500. */
  refreshMs?: number;
}
