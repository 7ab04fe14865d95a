import type { Metric, Registry } from 'prom-client';
import type { BucketHistogram } from '../signals/bucket.histogram';

/** Prometheus metric types this package exposes. */
export type ScrapedMetricType = 'counter' | 'gauge' | 'histogram';

/** One sample as prom-client formats it. */
export interface ScrapedSample {
  /** Full sample name for histogram parts (`_bucket`, `_sum`, `_count`); the metric's name otherwise. */
  metricName?: string;
  /** Label values by label name. */
  labels: Record<string, string | number>;
  /** The value. */
  value: number;
}

/** Collects a metric's samples at scrape time. */
export type SampleCollector = (out: SampleWriter) => void;

/** What a {@link SampleCollector} writes samples with. */
export interface SampleWriter {
  /** A counter or gauge sample. */
  value(labels: Record<string, string>, value: number): void;
  /** The buckets, sum and count of a histogram, under `labels`. */
  histogram(labels: Record<string, string>, histogram: BucketHistogram): void;
}

/**
 * A metric whose samples are read from nestjs-serve's recorders when the registry is scraped, in
 * the shape prom-client's `Registry` formats (the custom-metric protocol: `name`, `help`, `type`,
 * `get()`). The hot path never touches prom-client; counting stays in the recorders.
 */
export class ScrapedMetric {
  /** How prom-client's `AggregatorRegistry` merges this metric across workers. */
  readonly aggregator = 'sum';

  /**
   * @param name the full metric name (prefix included).
   * @param help its HELP line.
   * @param type counter, gauge or histogram.
   * @param collect writes the samples at scrape time.
   */
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: ScrapedMetricType,
    private readonly collect: SampleCollector,
  ) {}

  /** The samples now (called by prom-client on every scrape). */
  get(): Promise<{ name: string; help: string; type: ScrapedMetricType; aggregator: string; values: ScrapedSample[] }> {
    const values: ScrapedSample[] = [];
    const name = this.name;
    this.collect({
      value: (labels, value) => values.push({ labels, value }),
      histogram: (labels, histogram) => {
        const cumulative = histogram.cumulative();
        for (let i = 0; i < histogram.bounds.length; i++) {
          values.push({
            metricName: `${name}_bucket`,
            labels: { ...labels, le: histogram.bounds[i] },
            value: cumulative[i],
          });
        }
        values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: histogram.count });
        values.push({ metricName: `${name}_sum`, labels, value: histogram.sum });
        values.push({ metricName: `${name}_count`, labels, value: histogram.count });
      },
    });
    return Promise.resolve({ name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** `registry.resetMetrics()` calls this; the counts belong to the recorders, which keep them. */
  reset(): void {}

  /** Registers this metric into `registry`. */
  registerInto(registry: Registry): void {
    // prom-client's Registry formats any object with name/help/type/get(); its typings list only its own classes.
    registry.registerMetric(this as unknown as Metric);
  }
}
