/** Messages of the Prometheus exporter. */
export const metricsMessages = {
  badMetricsPrefix: (prefix: string) =>
    `Option metrics.prefix '${prefix}' is not a valid start of a Prometheus metric name: use letters, digits, '_' and ':' (not starting with a digit).`,
  metricTaken: (name: string) =>
    `Metric '${name}' is already in the registry (a second app on the same registry?): give this app another metrics.prefix.`,
};
