import type { Type } from '@nestjs/common';
import type { ClusterOptions } from './cluster-options.interface';
import type { ServeDashboardOptions, ServeMetricsOptions } from './metrics-options.interface';

/** Options of `ServeModule.forRoot()` / `forRootAsync()`. */
export interface ServeModuleOptions {
  /** Classes decorated with `@Backend()` to start with the app. */
  backends?: Type<unknown>[];
  /** Put error messages and stack traces in 500 bodies. Default false (they go to the log only). */
  exposeErrors?: boolean;
  /** Largest non-JSON body (text, bytes) an endpoint reads, in bytes. Default 102400. */
  bodyLimit?: number;
  /** How often each replica is pinged, in ms. Default 1000. */
  healthCheckPeriodMs?: number;
  /** A replica that has not answered a ping for this long is replaced, in ms. Default 30000. */
  healthCheckTimeoutMs?: number;
  /** How long shutdown and scale-down wait for requests in flight before stopping replicas, in ms. Default 20000. */
  gracefulShutdownTimeoutMs?: number;
  /** How long a replica may take to construct and configure its backend before it is killed, in ms. Default 300000. */
  replicaStartTimeoutMs?: number;
  /** How long a stopping replica may take to exit before it is killed, in ms. Default 2000. */
  replicaStopTimeoutMs?: number;
  /**
   * Scheduling priority (nice, 0 to 19) of every replica's thread on Linux: above 0, the app's
   * event loop wins the CPU from busy replicas, so the app's other routes stay fast while a
   * model saturates the cores. Default 5; 0 gives replicas the app's priority.
   */
  replicaNice?: number;
  /**
   * Run replicas on other hosts too, through a NATS server: backends with `placement: 'remote'`
   * or `'both'` start replicas on every replica host (`npx nestjs-serve replica`) that joins.
   */
  cluster?: ClusterOptions;
  /**
   * Prometheus metrics: with `path`, the app serves them there (a route of the app: its guards,
   * middleware and global prefix apply); with `registry`, they go into that prom-client registry.
   * Off unless set. See docs/observing.md for every metric.
   */
  metrics?: ServeMetricsOptions;
  /** The read-only live status page, at `dashboard.path` of the app (its guards apply). Off unless set. */
  dashboard?: ServeDashboardOptions;
}
