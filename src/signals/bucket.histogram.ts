/**
 * Upper bounds, in seconds, of the latency buckets every nestjs-serve latency histogram uses
 * (queue wait, processing, total). Fixed, so histograms of every backend, replica and window merge
 * bucket by bucket and Prometheus can aggregate them across instances.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/** Upper bounds of the batch-size buckets (requests per `@Batch()` call). */
export const BATCH_SIZE_BUCKETS: readonly number[] = Object.freeze([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);

/**
 * A histogram over fixed bucket bounds: counts per bucket, a sum and a count. `observe` is a few
 * comparisons and two additions on preallocated arrays (no allocation), so it sits on the hot path;
 * quantiles are estimated at read time by linear interpolation inside the bucket, as Prometheus'
 * `histogram_quantile` does, so the page and a PromQL query agree.
 */
export class BucketHistogram {
  /** Count per bucket, not cumulative; the last slot is the `+Inf` bucket. */
  readonly counts: Float64Array;
  /** Sum of the observed values, in the unit of the bounds. */
  sum = 0;
  /** Number of observations. */
  count = 0;

  /** @param bounds ascending upper bounds; shared by every histogram that is merged with this one. */
  constructor(readonly bounds: readonly number[] = LATENCY_BUCKETS_SECONDS) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Adds one observation (e.g. a latency in seconds). */
  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }

  /** Adds another histogram's observations to this one; both must have the same bounds. */
  merge(other: BucketHistogram): this {
    if (other.bounds !== this.bounds && !sameBounds(other.bounds, this.bounds)) {
      throw new Error('BucketHistogram.merge: the histograms have different bucket bounds.');
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.sum += other.sum;
    this.count += other.count;
    return this;
  }

  /** Forgets every observation. */
  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /**
   * Estimated `q`-quantile (0..1), in the unit of the bounds; `NaN` when empty. Values in the
   * `+Inf` bucket are reported as the largest bound (what Prometheus does too).
   */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.min(Math.max(q, 0), 1) * this.count;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const inBucket = this.counts[i];
      if (inBucket > 0 && seen + inBucket >= rank) {
        if (i === this.bounds.length) return this.bounds[this.bounds.length - 1];
        const lower = i === 0 ? 0 : this.bounds[i - 1];
        return lower + (this.bounds[i] - lower) * ((rank - seen) / inBucket);
      }
      seen += inBucket;
    }
    return this.bounds[this.bounds.length - 1];
  }

  /** Cumulative counts per bound (`le`), the last one for `+Inf` (equal to `count`). */
  cumulative(): number[] {
    const out = new Array<number>(this.counts.length);
    let running = 0;
    for (let i = 0; i < this.counts.length; i++) out[i] = running += this.counts[i];
    return out;
  }
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
