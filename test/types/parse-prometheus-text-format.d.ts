/** Types of the parser's prom2json-shaped output (the package ships none). */
declare module 'parse-prometheus-text-format' {
  /** A counter, gauge or untyped sample. */
  export interface PlainSample {
    labels?: Record<string, string>;
    value: string;
  }
  /** A histogram of one label set. */
  export interface HistogramSample {
    labels?: Record<string, string>;
    buckets: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** One metric family. */
  export interface MetricFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: (PlainSample | HistogramSample)[];
  }
  /** Parses the Prometheus text exposition format; throws on an invalid line. */
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
