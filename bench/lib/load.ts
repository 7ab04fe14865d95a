import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { percentile } from './stats';

/** The part of autocannon's programmatic API used here (the package ships no typings). */
interface AutocannonInstance extends EventEmitter, PromiseLike<{ errors: number; timeouts: number }> {}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  method: string;
  body?: string;
  headers?: Record<string, string>;
  sampleInt: number;
  overallRate?: number;
  timeout?: number;
}) => AutocannonInstance;
const autocannon = require('autocannon') as Autocannon;

/** One load to drive at a server on 127.0.0.1. */
export interface LoadSpec {
  path: string;
  connections: number;
  method?: 'GET' | 'POST';
  /** JSON body (sent with `content-type: application/json`). */
  body?: string;
  /** Requests per second over all connections (autocannon's `overallRate`); unbounded when unset. */
  rate?: number;
  /** Seconds a request may wait for its answer before autocannon counts a timeout (default 10). */
  timeoutSeconds?: number;
}

/** What one measured load produced. */
export interface LoadResult {
  /** 2xx responses per second of the run. */
  rps: number;
  /** Latency percentiles of the 2xx responses, ms (sub-millisecond resolution). */
  p50: number;
  p99: number;
  /** Responses of any status. */
  responses: number;
  /** Non-2xx responses, socket errors and timeouts. */
  failures: number;
  /** Requests that got no answer within `timeoutSeconds`. */
  timeouts: number;
  /** Socket errors other than timeouts. */
  connectionErrors: number;
}

/** Called for every answer: its status and latency (ms). */
export type OnResponse = (status: number, ms: number) => void;

/**
 * Runs autocannon against `http://127.0.0.1:<port><path>` for `seconds`; it stops by itself.
 * Latencies are taken from autocannon's `response` events (float ms from `process.hrtime`),
 * because its own histogram rounds to whole milliseconds, too coarse for sub-ms differences.
 */
export async function runLoad(
  port: number,
  spec: LoadSpec,
  seconds: number,
  onResponse?: OnResponse,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let responses = 0;
  const instance = autocannon({
    url: `http://127.0.0.1:${port}${spec.path}`,
    connections: spec.connections,
    duration: seconds,
    method: spec.method ?? 'GET',
    body: spec.body,
    headers: spec.body ? { 'content-type': 'application/json' } : undefined,
    // a run stops only on a sample tick: 100 ms ticks keep short windows (smoke, warm-ups) short
    sampleInt: 100,
    overallRate: spec.rate,
    timeout: spec.timeoutSeconds,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    responses++;
    if (status >= 200 && status < 300) latencies.push(ms);
    onResponse?.(status, ms);
  });
  const started = performance.now();
  const result = await instance;
  const elapsed = (performance.now() - started) / 1000;
  return {
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    responses,
    failures: responses - latencies.length + result.errors + result.timeouts,
    timeouts: result.timeouts,
    connectionErrors: result.errors - result.timeouts,
  };
}

/** Runs several loads at once (e.g. a saturating load and a light probe), for the same time. */
export function runLoads(port: number, specs: readonly LoadSpec[], seconds: number): Promise<LoadResult[]> {
  return Promise.all(specs.map((spec) => runLoad(port, spec, seconds)));
}
