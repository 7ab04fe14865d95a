/** Live figures of one backend over the window of a rollout step. */
export interface StepFigures {
  /** Requests answered in the window (those whose caller went away are left out). */
  requests: number;
  /** Of those, the ones that failed (5xx, timeouts, replica lost). */
  errors: number;
  /** 99th percentile latency in ms, undefined without requests. */
  p99Ms: number | undefined;
}

/** The checks a rollout step must pass, as given to `ServeService.rollout()`. */
export interface RolloutChecks {
  /** Candidate requests needed before a step is judged. */
  minRequestsPerStep: number;
  /** Highest candidate error rate (0..1). */
  maxErrorRate: number;
  /** Highest candidate p99, in ms. */
  maxP99Ms: number;
  /** Highest candidate p99 as a multiple of the current backend's p99 over the same window. */
  maxLatencyRatio: number;
}

/** What the judge says of a step. */
export type StepVerdict =
  { verdict: 'pass'; reason: string } | { verdict: 'wait'; reason: string } | { verdict: 'fail'; reason: string };

/** Fewest requests of the current backend in the window for its p99 to be a fair yardstick. */
const MIN_BASELINE_REQUESTS = 20;

/**
 * Judges one step of a guarded rollout from the live figures of the candidate and of the current
 * backend over the same window. Pure. A step waits until the candidate has served
 * `minRequestsPerStep` requests (a quiet endpoint never promotes on no evidence), but fails as
 * soon as its errors exceed what `maxErrorRate` allows over that many requests, so a broken
 * candidate costs at most that many failed requests (plus one) at a step.
 */
export function judgeStep(
  candidate: StepFigures,
  current: StepFigures | undefined,
  checks: RolloutChecks,
): StepVerdict {
  const budget = checks.maxErrorRate * checks.minRequestsPerStep;
  if (
    candidate.errors > budget &&
    candidate.errors / Math.max(candidate.requests, checks.minRequestsPerStep) > checks.maxErrorRate
  ) {
    return {
      verdict: 'fail',
      reason: `error rate ${rate(candidate)} over maxErrorRate ${percent(checks.maxErrorRate)} (${candidate.errors} of ${candidate.requests} requests failed)`,
    };
  }
  if (candidate.requests < checks.minRequestsPerStep) {
    return {
      verdict: 'wait',
      reason: `${candidate.requests} of ${checks.minRequestsPerStep} requests (minRequestsPerStep) so far`,
    };
  }
  const p99 = candidate.p99Ms ?? 0;
  if (p99 > checks.maxP99Ms) return { verdict: 'fail', reason: `p99 ${ms(p99)} over maxP99Ms ${ms(checks.maxP99Ms)}` };
  if (current && current.requests >= MIN_BASELINE_REQUESTS && current.p99Ms !== undefined && current.p99Ms > 0) {
    const ratio = p99 / current.p99Ms;
    if (ratio > checks.maxLatencyRatio) {
      return {
        verdict: 'fail',
        reason: `p99 ${ms(p99)} is ${ratio.toFixed(2)} × the current backend's ${ms(current.p99Ms)}, over maxLatencyRatio ${checks.maxLatencyRatio}`,
      };
    }
  }
  return { verdict: 'pass', reason: `${candidate.requests} requests, error rate ${rate(candidate)}, p99 ${ms(p99)}` };
}

function rate(f: StepFigures): string {
  return percent(f.requests ? f.errors / f.requests : 0);
}

function percent(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;
}

function ms(x: number): string {
  return `${x.toFixed(x < 10 ? 1 : 0)} ms`;
}
