import { BucketHistogram, LATENCY_BUCKETS_SECONDS } from './bucket.histogram';

/** Figures over the last seconds of a {@link RollingWindow}. */
export interface WindowFigures {
  /** Requests answered in the window; those whose caller went away first are in {@link cancelled} only. */
  requests: number;
  /** Of those, how many were errors (status ≥ 500, timeouts, replica deaths, overload). */
  errors: number;
  /** Requests per second over the window (or over the time since the window started, if shorter). */
  requestsPerSecond: number;
  /** Median total latency in milliseconds; `null` with no request in the window. */
  p50Ms: number | null;
  /** 99th percentile total latency in milliseconds; `null` with no request in the window. */
  p99Ms: number | null;
  /** `errors / requests`, 0 with no request. */
  errorRate: number;
  /** Length of the time the figures cover, in seconds. */
  seconds: number;
  /** Requests whose caller went away before the answer (client gone, stream left early): neither errors nor successes. */
  cancelled: number;
}

/** A clock in milliseconds (`Date.now` in production, a fake in tests). */
export type Clock = () => number;

class Slot {
  second = -1;
  requests = 0;
  errors = 0;
  cancelled = 0;
  readonly latency = new BucketHistogram(LATENCY_BUCKETS_SECONDS);

  clear(second: number): void {
    this.second = second;
    this.requests = 0;
    this.errors = 0;
    this.cancelled = 0;
    this.latency.reset();
  }
}

/**
 * Requests, errors and latencies in per-second slots over the last `seconds` seconds: the one source
 * of req/s, p50/p99 and error rate for the status page, the autoscaler and the rollout judge.
 * `record` reuses its slots (no allocation); reading merges the live slots.
 */
export class RollingWindow {
  private readonly slots: Slot[];
  private readonly startedMs: number;

  /**
   * @param seconds how many whole seconds the figures cover (default 10).
   * @param clock milliseconds now.
   */
  constructor(
    readonly seconds = 10,
    private readonly clock: Clock = Date.now,
  ) {
    if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`RollingWindow: seconds must be an integer ≥ 1.`);
    this.slots = Array.from({ length: seconds }, () => new Slot());
    this.startedMs = clock();
  }

  /** Counts one answered request with its total latency in milliseconds. */
  record(latencyMs: number, error: boolean): void {
    const slot = this.current();
    slot.requests++;
    if (error) slot.errors++;
    slot.latency.observe(latencyMs / 1000);
  }

  /** Counts one request whose caller went away: apart, so that it moves neither the error rate nor the latencies. */
  recordCancelled(): void {
    this.current().cancelled++;
  }

  /** The figures over the window as of now. */
  figures(): WindowFigures {
    return RollingWindow.combine([this], this.seconds, this.clock);
  }

  /** The total latency histogram (seconds) of the window, merged into `into` (a new one by default). */
  latency(into = new BucketHistogram(LATENCY_BUCKETS_SECONDS)): BucketHistogram {
    for (const slot of this.live(this.clock())) into.merge(slot.latency);
    return into;
  }

  /**
   * The figures of several windows together over their last `seconds` seconds: a backend's over
   * its endpoints, say. The windows should share the clock.
   */
  static combine(windows: Iterable<RollingWindow>, seconds: number, clock: Clock = Date.now): WindowFigures {
    const nowMs = clock();
    const latency = new BucketHistogram(LATENCY_BUCKETS_SECONDS);
    let requests = 0;
    let errors = 0;
    let cancelled = 0;
    let span = 0;
    for (const window of windows) {
      for (const slot of window.live(nowMs, seconds)) {
        requests += slot.requests;
        errors += slot.errors;
        cancelled += slot.cancelled;
        latency.merge(slot.latency);
      }
      span = Math.max(span, Math.min(seconds, window.seconds, Math.max(1, (nowMs - window.startedMs) / 1000)));
    }
    span = span || Math.min(seconds, 1);
    return {
      requests,
      errors,
      requestsPerSecond: requests / span,
      p50Ms: latency.count ? latency.quantile(0.5) * 1000 : null,
      p99Ms: latency.count ? latency.quantile(0.99) * 1000 : null,
      errorRate: requests ? errors / requests : 0,
      seconds: span,
      cancelled,
    };
  }

  private current(): Slot {
    const second = Math.floor(this.clock() / 1000);
    const slot = this.slots[second % this.seconds];
    if (slot.second !== second) slot.clear(second);
    return slot;
  }

  private *live(nowMs: number, seconds = this.seconds): Generator<Slot> {
    const current = Math.floor(nowMs / 1000);
    const oldest = current - Math.min(seconds, this.seconds) + 1;
    for (const slot of this.slots) if (slot.second >= oldest && slot.second <= current) yield slot;
  }
}
