/**
 * Minimal typings for the two untyped packages the benchmark uses (no `@types/*` exist in the
 * lock file): only the parts called here.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  /** Options of one autocannon run (subset). */
  export interface AutocannonOptions {
    url: string;
    connections?: number;
    duration?: number;
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    timeout?: number;
  }

  /** Summary of a latency or throughput histogram, in ms or per-second units. */
  export interface Histogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }

  /** What a finished run resolves with (subset). */
  export interface AutocannonResult {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    latency: Histogram;
    requests: Histogram & { total: number };
  }

  /** A running instance: an event emitter that is also a promise of its result. */
  export interface Instance extends EventEmitter, PromiseLike<AutocannonResult> {
    stop(): void;
  }

  /** Starts a run; without a callback the instance is thenable. */
  function autocannon(options: AutocannonOptions): Instance;
  export default autocannon;
}

declare module 'sentiment' {
  /** Result of `analyze` (subset). */
  export interface SentimentResult {
    score: number;
    comparative: number;
  }
  /** AFINN-165 based sentiment analyser. */
  export default class Sentiment {
    analyze(text: string): SentimentResult;
  }
}
