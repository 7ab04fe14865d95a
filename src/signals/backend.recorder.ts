import type { ModelFigures } from './model.figures';
import type { LastError } from '../interfaces/serve-status.interface';
import { BATCH_SIZE_BUCKETS, BucketHistogram } from './bucket.histogram';
import { EndpointSeries } from './endpoint.series';
import { isErrorOutcome, type RequestOutcome } from './request.outcome';
import { RollingWindow, type Clock, type WindowFigures } from './rolling.window';

/**
 * Everything one backend's requests and replicas add up to, recorded on the host: one
 * {@link EndpointSeries} per endpoint for real and for shadow traffic, batch sizes, restarts and the
 * last error. The router calls {@link settled} once per request; the rest is read at scrape or
 * status time, never on the hot path.
 */
export class BackendRecorder {
  /** Requests per call of a `@Batch()` method. */
  readonly batchSizes = new BucketHistogram(BATCH_SIZE_BUCKETS);
  /** A multiplexed backend's model figures (loads, hits, evictions, load times); unset otherwise. */
  models?: ModelFigures;
  /** Replicas replaced since the backend was created. */
  restarts = 0;
  /** The last failed request or replica failure. */
  lastError: LastError | null = null;
  private readonly primary = new Map<string, EndpointSeries>();
  private readonly shadow = new Map<string, EndpointSeries>();

  /**
   * @param backend the backend's name.
   * @param windowSeconds length of the rolling windows (req/s, p50/p99, error rate).
   * @param clock milliseconds now.
   */
  constructor(
    readonly backend: string,
    readonly windowSeconds = 10,
    private readonly clock: Clock = Date.now,
  ) {}

  /**
   * One request of `endpoint` (the endpoint's name; handle calls included) ended with `code` and
   * `outcome`, after waiting `queueWaitMs` in the queue and `processingMs` in a replica. With an
   * error outcome, `errorMessage` becomes the backend's last error.
   */
  settled(
    endpoint: string,
    code: number,
    outcome: RequestOutcome,
    queueWaitMs: number,
    processingMs: number,
    errorMessage?: string,
  ): void {
    this.series(this.primary, endpoint).settle(code, outcome, queueWaitMs, processingMs);
    if (errorMessage !== undefined && isErrorOutcome(outcome)) this.failed(errorMessage);
  }

  /** As {@link settled}, for a shadow copy of a request of `endpoint`; its failures never become the last error. */
  shadowSettled(
    endpoint: string,
    code: number,
    outcome: RequestOutcome,
    queueWaitMs: number,
    processingMs: number,
  ): void {
    this.series(this.shadow, endpoint).settle(code, outcome, queueWaitMs, processingMs);
  }

  /** A `@Batch()` call ran with `size` requests. */
  batch(size: number): void {
    this.batchSizes.observe(size);
  }

  /** Adds the batch sizes a replica reported with its pong (counts per bucket, sum of sizes). */
  batchesReported(report: { counts: ArrayLike<number>; sum: number }): void {
    const counts = this.batchSizes.counts;
    if (report.counts.length !== counts.length) return;
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      counts[i] += report.counts[i];
      total += report.counts[i];
    }
    this.batchSizes.count += total;
    this.batchSizes.sum += report.sum;
  }

  /** A replacement replica was started for one that died; `why` becomes the last error. */
  restarted(why: string): void {
    this.restarts++;
    this.failed(why);
  }

  /** Something failed: remembered as the last error, with the time. */
  failed(message: string): void {
    this.lastError = { message, at: this.clock() };
  }

  /** The series of real traffic, one per endpoint that sent requests. */
  endpoints(): Iterable<EndpointSeries> {
    return this.primary.values();
  }

  /** The series of shadow traffic, one per endpoint whose requests were copied here. */
  shadowEndpoints(): Iterable<EndpointSeries> {
    return this.shadow.values();
  }

  /** Live figures of the backend's real traffic, all endpoints together (or only `endpoint`'s). */
  figures(endpoint?: string): WindowFigures {
    return this.windowOf(this.primary, endpoint);
  }

  /** Live figures of everything it served, real and shadow traffic together (its load, as the status page shows it). */
  loadFigures(): WindowFigures {
    return RollingWindow.combine(
      [...this.primary.values(), ...this.shadow.values()].map((s) => s.window),
      this.windowSeconds,
      this.clock,
    );
  }

  /** Live figures of the shadow traffic it received (for a rollout's shadow phase). */
  shadowFigures(endpoint?: string): WindowFigures {
    return this.windowOf(this.shadow, endpoint);
  }

  private windowOf(map: Map<string, EndpointSeries>, endpoint?: string): WindowFigures {
    const series = endpoint === undefined ? [...map.values()] : [map.get(endpoint)].filter((s) => s !== undefined);
    return RollingWindow.combine(
      series.map((s) => s.window),
      this.windowSeconds,
      this.clock,
    );
  }

  private series(map: Map<string, EndpointSeries>, endpoint: string): EndpointSeries {
    let series = map.get(endpoint);
    if (series === undefined) {
      series = new EndpointSeries(endpoint, this.backend, this.windowSeconds, this.clock);
      map.set(endpoint, series);
    }
    return series;
  }
}
