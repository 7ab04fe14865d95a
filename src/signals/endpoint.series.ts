import { BucketHistogram, LATENCY_BUCKETS_SECONDS } from './bucket.histogram';
import { REQUEST_OUTCOMES, isErrorOutcome, type RequestOutcome } from './request.outcome';
import { RollingWindow, type Clock } from './rolling.window';

/** One counter of {@link EndpointSeries}: requests that ended with this status code and outcome. */
export interface CodeCount {
  /** HTTP status code answered (or that would have been, for a handle call). */
  code: number;
  /** How the request ended. */
  outcome: RequestOutcome;
  /** How many, since the series started. */
  count: number;
}

const OUTCOME_INDEX = new Map(REQUEST_OUTCOMES.map((outcome, i) => [outcome, i]));
const OUTCOME_SLOTS = 8;

/**
 * The requests of one endpoint to one backend (real or shadow traffic): counts by status code and
 * outcome, latency histograms in seconds (queue wait, processing, total) since the start, and a
 * rolling window for live figures. Settling a request is a map update and four histogram
 * observations; nothing is allocated once a code has been seen.
 */
export class EndpointSeries {
  /** Time from arrival to a replica taking the request, in seconds. */
  readonly queueWait = new BucketHistogram(LATENCY_BUCKETS_SECONDS);
  /** Time the replica took, in seconds. */
  readonly processing = new BucketHistogram(LATENCY_BUCKETS_SECONDS);
  /** Arrival to answer, in seconds. */
  readonly total = new BucketHistogram(LATENCY_BUCKETS_SECONDS);
  /** The last `windowSeconds` seconds. */
  readonly window: RollingWindow;
  private readonly codes = new Map<number, number>();

  /**
   * @param endpoint the endpoint's name.
   * @param backend the backend's name.
   * @param windowSeconds length of the rolling window.
   * @param clock milliseconds now.
   */
  constructor(
    readonly endpoint: string,
    readonly backend: string,
    windowSeconds: number,
    clock: Clock,
  ) {
    this.window = new RollingWindow(windowSeconds, clock);
  }

  /** Counts one request that ended; latencies in milliseconds. */
  settle(code: number, outcome: RequestOutcome, queueWaitMs: number, processingMs: number): void {
    const key = code * OUTCOME_SLOTS + OUTCOME_INDEX.get(outcome)!;
    this.codes.set(key, (this.codes.get(key) ?? 0) + 1);
    const totalMs = queueWaitMs + processingMs;
    this.queueWait.observe(queueWaitMs / 1000);
    this.processing.observe(processingMs / 1000);
    this.total.observe(totalMs / 1000);
    if (outcome === 'cancelled') this.window.recordCancelled();
    else this.window.record(totalMs, isErrorOutcome(outcome));
  }

  /** The counters by code and outcome, since the start. */
  counts(): CodeCount[] {
    const out: CodeCount[] = [];
    for (const [key, count] of this.codes) {
      out.push({ code: Math.floor(key / OUTCOME_SLOTS), outcome: REQUEST_OUTCOMES[key % OUTCOME_SLOTS], count });
    }
    return out;
  }

  /** Requests settled since the start. */
  get requests(): number {
    return this.total.count;
  }
}
