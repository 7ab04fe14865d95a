/**
 * Options of `ServeService.rollout(endpoint, backend, options)`. Every field is optional;
 * {@link DEFAULT_ROLLOUT_OPTIONS} gives the defaults.
 */
export interface RolloutOptions {
  /** The candidate's share of the traffic at each step, increasing, ending at 1. Default `[0.01, 0.1, 0.5, 1]`. */
  steps?: number[];
  /** How long each step is held (and its figures gathered) before it is judged, in ms. Default 30000. */
  stepIntervalMs?: number;
  /** Candidate requests a step needs before it can pass: a quiet endpoint never promotes on no evidence. Default 100. */
  minRequestsPerStep?: number;
  /** Highest candidate error rate (5xx, timeouts, lost replicas), 0..1. Default 0.01. */
  maxErrorRate?: number;
  /** Highest candidate p99 latency, in ms. Default 500. */
  maxP99Ms?: number;
  /** Highest candidate p99 as a multiple of the current backend's p99 over the same window. Default 2. */
  maxLatencyRatio?: number;
  /**
   * First send the candidate a shadow copy of all the endpoint's traffic for this long (ms) and
   * judge it on those copies before it serves any user. Default 0 (no shadow phase).
   */
  shadowFirstMs?: number;
  /**
   * A step that has not seen `minRequestsPerStep` candidate requests after this many step
   * intervals rolls back ("not enough traffic"). Default 10.
   */
  maxWaitIntervals?: number;
}

/** A {@link RolloutOptions} with every default filled in. */
export type ResolvedRolloutOptions = Required<RolloutOptions>;

/** One judged step of a rollout. */
export interface RolloutStep {
  /** The candidate's share during the step (0 for the shadow phase). */
  weight: number;
  /** True for the shadow phase. */
  shadow: boolean;
  /** When the step began (epoch ms). */
  startedAt: number;
  /** When it was judged (epoch ms). */
  endedAt: number;
  /** `'pass'` or `'fail'`. */
  verdict: 'pass' | 'fail';
  /** What the judge saw: requests, error rate, p99; or why it failed. */
  reason: string;
}

/** How a rollout ended: its promise resolves with this (it rejects only for invalid input). */
export type RolloutResult =
  { outcome: 'promoted'; steps: RolloutStep[] } | { outcome: 'rolled-back'; reason: string; steps: RolloutStep[] };

/** A rollout in progress, as `status()` shows it. */
export interface RolloutProgress {
  /** The endpoint being rolled out. */
  endpoint: string;
  /** The candidate backend. */
  backend: string;
  /** The split before the rollout, restored on roll-back. */
  previous: Record<string, number>;
  /** Index of the current step in `steps` (-1 during the shadow phase). */
  step: number;
  /** The candidate's current share. */
  weight: number;
  /** Every step's weight. */
  steps: number[];
  /** When the rollout started (epoch ms). */
  startedAt: number;
  /** When the current step began (epoch ms); unset before the first. */
  stepStartedAt?: number;
  /** In a fleet: the instance running the rollout now (the decider). */
  decider?: string;
  /** What the judge says now of the current step. */
  lastCheck?: string;
  /** Steps judged so far. */
  done: RolloutStep[];
}
