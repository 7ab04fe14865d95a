import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { ServeApp } from './serve-app';

/** One sample of a scraped family: a counter's or gauge's value, a histogram's count and buckets. */
export type Sample = {
  labels?: Record<string, string>;
  value?: string;
  count?: string;
  buckets?: Record<string, string>;
};
/** One scraped metric family. */
export type Family = { name: string; type: string; metrics: Sample[] };

/** GETs the app's metrics path as Prometheus does and parses the text format; families by name. */
export async function scrape(s: ServeApp, path = '/metrics'): Promise<Map<string, Family>> {
  const res = await s.http.get(path).expect(200);
  // Prometheus's text format 0.0.4; Express 5 as Nest 11 ships it puts the charset first, which scrapers accept.
  assert.match(res.headers['content-type'], /^text\/plain;/);
  assert.match(res.headers['content-type'], /; ?version=0\.0\.4\b/);
  return new Map((parsePrometheusTextFormat(res.text) as Family[]).map((f) => [f.name, f]));
}

/** The sum of the samples of `name` whose labels include `labels` (0 when none has them). */
export function value(families: Map<string, Family>, name: string, labels: Record<string, string>): number {
  const family = families.get(name);
  assert.ok(family, `metric ${name} is exposed`);
  const hits = family.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return hits.reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);
}
