import type { Registry } from 'prom-client';
import type { BackendState, ReplicaState, ServeStatus } from '../interfaces/serve-status.interface';
import { metricsMessages } from '../serve.messages';
import type { BackendRecorder } from '../signals/backend.recorder';
import type { EndpointSeries } from '../signals/endpoint.series';
import { ScrapedMetric, type SampleWriter } from './scraped.metric';
import { modelMetrics } from './model.metrics';
import { fleetMetrics } from './fleet.metrics';

/** Default prefix of every metric name. */
export const DEFAULT_METRICS_PREFIX = 'nestjs_serve_';

/** What the exporter reads at scrape time. */
export interface MetricsSource {
  /** The status now: gauges (in flight, queued, replicas, vitals, traffic) come from it. */
  status(): ServeStatus;
  /** The recorders: counters and histograms come from them. */
  recorders(): Iterable<BackendRecorder>;
}

const BACKEND_STATES: readonly BackendState[] = [
  'HEALTHY',
  'UPDATING',
  'UPSCALING',
  'DOWNSCALING',
  'UNHEALTHY',
  'DEPLOY_FAILED',
];
const REPLICA_STATES: readonly ReplicaState[] = ['STARTING', 'READY', 'UNHEALTHY', 'STOPPING'];

/**
 * Registers nestjs-serve's metrics into a prom-client `Registry` and reads them from the recorders
 * and the status when the registry is scraped. Labels are `endpoint`, `backend`, `code`, `outcome`,
 * `state`, `replica`, `site` and `kind`: names the app declared and small fixed sets, never request
 * paths or ids, so cardinality stays bounded by the app's configuration.
 */
export class MetricsExporter {
  /** The metrics, in the order registered. */
  readonly metrics: readonly ScrapedMetric[];
  private turnStatus: ServeStatus | undefined;

  /**
   * @param registry where to register (the app's own, or the user's).
   * @param source recorders and status to read.
   * @param prefix prefix of every name (default {@link DEFAULT_METRICS_PREFIX}).
   */
  constructor(
    private readonly registry: Registry,
    private readonly source: MetricsSource,
    readonly prefix = DEFAULT_METRICS_PREFIX,
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) throw new Error(metricsMessages.badMetricsPrefix(prefix));
    this.metrics = this.define();
    for (const metric of this.metrics) {
      if (registry.getSingleMetric(metric.name)) throw new Error(metricsMessages.metricTaken(metric.name));
    }
    for (const metric of this.metrics) metric.registerInto(registry);
  }

  /** Removes the metrics from the registry (when the app closes; a user's registry outlives it). */
  unregister(): void {
    for (const metric of this.metrics) {
      if ((this.registry.getSingleMetric(metric.name) as unknown) === metric)
        this.registry.removeSingleMetric(metric.name);
    }
  }

  private define(): ScrapedMetric[] {
    const p = this.prefix;
    const series =
      (pick: (r: BackendRecorder) => Iterable<EndpointSeries>, write: (s: EndpointSeries, out: SampleWriter) => void) =>
      (out: SampleWriter) => {
        for (const recorder of this.source.recorders()) for (const s of pick(recorder)) write(s, out);
      };
    const primary = (r: BackendRecorder) => r.endpoints();
    const shadow = (r: BackendRecorder) => r.shadowEndpoints();
    const counts = (s: EndpointSeries, out: SampleWriter) => {
      for (const c of s.counts()) {
        out.value({ endpoint: s.endpoint, backend: s.backend, code: String(c.code), outcome: c.outcome }, c.count);
      }
    };
    const latency = (h: 'queueWait' | 'processing' | 'total') => (s: EndpointSeries, out: SampleWriter) =>
      out.histogram({ endpoint: s.endpoint, backend: s.backend }, s[h]);
    const backends =
      (write: (status: ServeStatus['backends'][string], out: SampleWriter) => void) => (out: SampleWriter) => {
        for (const backend of Object.values(this.status().backends)) write(backend, out);
      };
    const replicas = (
      pick: (v: NonNullable<ServeStatus['backends'][string]['replicas'][number]['vitals']>) => number,
    ) =>
      backends((b, out) => {
        for (const r of b.replicas) {
          if (r.vitals) out.value({ backend: b.name, replica: r.id, site: r.site, kind: r.kind }, pick(r.vitals));
        }
      });
    const endpoints = (pick: 'traffic' | 'shadows') => (out: SampleWriter) => {
      for (const e of Object.values(this.status().endpoints)) {
        for (const [backend, weight] of Object.entries(e[pick])) out.value({ endpoint: e.name, backend }, weight);
      }
    };

    return [
      new ScrapedMetric(
        `${p}requests_total`,
        'Requests answered, by endpoint, backend, HTTP status code and outcome (ok, error, overloaded, timeout, replica-died, cancelled).',
        'counter',
        series(primary, counts),
      ),
      new ScrapedMetric(
        `${p}request_queue_wait_seconds`,
        'Time from arrival to a replica taking the request, in seconds.',
        'histogram',
        series(primary, latency('queueWait')),
      ),
      new ScrapedMetric(
        `${p}request_processing_seconds`,
        'Time a replica took to handle the request, in seconds.',
        'histogram',
        series(primary, latency('processing')),
      ),
      new ScrapedMetric(
        `${p}request_duration_seconds`,
        'Time from arrival to answer (queue wait + processing), in seconds.',
        'histogram',
        series(primary, latency('total')),
      ),
      new ScrapedMetric(
        `${p}shadow_requests_total`,
        'Shadow copies of requests sent to a backend, by endpoint, backend, status code and outcome.',
        'counter',
        series(shadow, counts),
      ),
      new ScrapedMetric(`${p}batch_size`, 'Requests per call of a @Batch() method.', 'histogram', (out) => {
        for (const r of this.source.recorders())
          if (r.batchSizes.count) out.histogram({ backend: r.backend }, r.batchSizes);
      }),
      new ScrapedMetric(
        `${p}requests_in_flight`,
        'Requests running in the backend’s replicas now.',
        'gauge',
        backends((b, out) => out.value({ backend: b.name }, b.figures.inFlight)),
      ),
      new ScrapedMetric(
        `${p}requests_queued`,
        'Requests waiting in the backend’s queue now.',
        'gauge',
        backends((b, out) => out.value({ backend: b.name }, b.figures.queued)),
      ),
      new ScrapedMetric(
        `${p}requests_refused_total`,
        'Calls a full shared replica (on a replica host, used by several app instances) refused; each was sent again.',
        'counter',
        backends((b, out) => out.value({ backend: b.name }, b.figures.refused)),
      ),
      new ScrapedMetric(
        `${p}replicas`,
        'Replicas of the backend, by state (STARTING, READY, UNHEALTHY, STOPPING).',
        'gauge',
        backends((b, out) => {
          for (const state of REPLICA_STATES) {
            out.value({ backend: b.name, state }, b.replicas.filter((r) => r.state === state).length);
          }
        }),
      ),
      new ScrapedMetric(
        `${p}replicas_desired`,
        'Replicas the backend should have (numReplicas, or the autoscaler’s target).',
        'gauge',
        backends((b, out) => out.value({ backend: b.name }, b.targetReplicas)),
      ),
      new ScrapedMetric(
        `${p}backend_state`,
        'State of the backend: 1 for its current state, 0 for the others.',
        'gauge',
        backends((b, out) => {
          for (const state of BACKEND_STATES) out.value({ backend: b.name, state }, b.state === state ? 1 : 0);
        }),
      ),
      new ScrapedMetric(
        `${p}replica_restarts_total`,
        'Replicas replaced after they died (crash, OOM, kill, failed health checks).',
        'counter',
        (out) => {
          for (const r of this.source.recorders()) out.value({ backend: r.backend }, r.restarts);
        },
      ),
      new ScrapedMetric(
        `${p}replica_resident_memory_bytes`,
        'Resident set size of the replica’s process, in bytes (for a thread replica: the whole host process).',
        'gauge',
        replicas((v) => v.rssBytes),
      ),
      new ScrapedMetric(
        `${p}replica_heap_used_bytes`,
        'V8 heap in use by the replica, in bytes (a thread replica’s own isolate).',
        'gauge',
        replicas((v) => v.heapUsedBytes),
      ),
      new ScrapedMetric(
        `${p}replica_event_loop_utilization_ratio`,
        'Share of time (0..1) the replica’s event loop was busy between its last two health pings.',
        'gauge',
        replicas((v) => v.eventLoopUtilization),
      ),
      new ScrapedMetric(
        `${p}endpoint_traffic_weight`,
        'Share (0..1) of the endpoint’s requests sent to each backend.',
        'gauge',
        endpoints('traffic'),
      ),
      new ScrapedMetric(
        `${p}endpoint_shadow_ratio`,
        'Share (0..1) of the endpoint’s requests copied to each shadow backend.',
        'gauge',
        endpoints('shadows'),
      ),
      new ScrapedMetric(
        `${p}rollout_weight`,
        'Share (0..1) of the endpoint’s requests the candidate of a guarded rollout in progress gets.',
        'gauge',
        (out) => {
          for (const e of Object.values(this.status().endpoints)) {
            if (e.rollout) out.value({ endpoint: e.name, backend: e.rollout.backend }, e.rollout.weight);
          }
        },
      ),
      ...modelMetrics(
        p,
        () => this.source.recorders(),
        () => this.status(),
      ),
      ...fleetMetrics(p, () => this.status()),
    ];
  }

  // prom-client calls every metric's get() in one synchronous pass: one status() serves all gauges of a scrape.
  private status(): ServeStatus {
    if (this.turnStatus === undefined) {
      this.turnStatus = this.source.status();
      queueMicrotask(() => (this.turnStatus = undefined));
    }
    return this.turnStatus;
  }
}
