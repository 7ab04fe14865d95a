import type { Results } from './results';
import { median, pairedMedian, pairedRounds } from './stats';

/** One target of the issue, evaluated on this run's figures. */
export interface TargetCheck {
  target: string;
  /** How the figure is computed. */
  measure: string;
  value: number;
  /** The per-round figures when the value is their median (how far rounds spread). */
  rounds?: number[];
  unit: '×' | 'ms' | 'MiB';
  pass: boolean | undefined;
}

/** A median over rounds and the per-round figures it is taken over. */
interface Paired {
  value: number;
  rounds: number[];
}

const div = (a: number, b: number): number => a / b;
const sub = (a: number, b: number): number => a - b;

/**
 * Evaluates every target. Ratios and differences are taken within each round (both figures of a
 * pair measured in the same round) and the median over rounds is reported, with the per-round
 * figures; a target whose two runs did not both run (e.g. `--only J` without C) is not measured.
 */
export function evaluateTargets(r: Results): TargetCheck[] {
  const paired = (a: string, b: string, f: (x: number, y: number) => number): Paired => {
    const rounds = pairedRounds(r.get(a), r.get(b), f);
    return { value: median(rounds), rounds };
  };
  const check = (
    target: string,
    measure: string,
    figure: number | Paired,
    unit: TargetCheck['unit'],
    ok: (v: number) => boolean,
  ): TargetCheck => {
    const { value, rounds } = typeof figure === 'number' ? { value: figure, rounds: undefined } : figure;
    return {
      target,
      measure,
      value,
      ...(rounds ? { rounds } : {}),
      unit,
      pass: Number.isFinite(value) ? ok(value) : undefined,
    };
  };
  /** A main-thread CPU per request target of `a` against `b` (event-loop time), with its /proc cross-check. */
  const cpuPerRequest = (target: string, a: string, b: string, max: number): TargetCheck[] => [
    check(
      target,
      `${a} ÷ ${b}, event-loop active µs per request`,
      paired(`${a}.eluUs`, `${b}.eluUs`, div),
      '×',
      (v) => v <= max,
    ),
    check(
      "↳ cross-check (not the target's measure)",
      `${a} ÷ ${b}, main-thread CPU µs per request from /proc`,
      paired(`${a}.mainUs`, `${b}.mainUs`, div),
      '×',
      (v) => v <= max,
    ),
  ];
  const perReplica = pairedMedian(r.get('M.8t.hostMb'), r.get('M.0.hostMb'), (a, b) => (a - b) / 8);
  return [
    check('C ≥ 1.2 × B req/s', 'C req/s ÷ B req/s', paired('C.rps', 'B.rps', div), '×', (v) => v >= 1.2),
    ...cpuPerRequest("C main-thread CPU/req ≤ 1.1 × A's", 'C', 'A', 1.1),
    check(
      'metrics on: req/s ≥ 0.97 × C',
      'C.metrics req/s ÷ C req/s',
      paired('C.metrics.rps', 'C.rps', div),
      '×',
      (v) => v >= 0.97,
    ),
    ...cpuPerRequest('metrics on: main-thread CPU/req ≤ 1.03 × C', 'C.metrics', 'C', 1.03),
    check('C ≥ 0.9 × A req/s', 'C req/s ÷ A req/s', paired('C.rps', 'A.rps', div), '×', (v) => v >= 0.9),
    ...cpuPerRequest("C main-thread CPU/req ≤ 0.8 × Piscina's (B)", 'C', 'B', 0.8),
    check(
      'C.noop ≥ 0.9 × A.noop req/s',
      'C.noop req/s ÷ A.noop req/s (no-op GET, 50 connections, default logger)',
      paired('C.noop.rps', 'A.noop.rps', div),
      '×',
      (v) => v >= 0.9,
    ),
    ...cpuPerRequest("C.noop main-thread CPU/req ≤ 1.1 × A.noop's", 'C.noop', 'A.noop', 1.1),
    ...cpuPerRequest("C.noop main-thread CPU/req ≤ 0.8 × B.noop's", 'C.noop', 'B.noop', 0.8),
    check(
      'G: added p50 ≤ 0.3 ms',
      'p50 of C − p50 of A, 1 connection',
      paired('G.C.p50', 'G.A.p50', sub),
      'ms',
      (v) => v <= 0.3,
    ),
    check(
      'J: remote ≥ 0.5 × local req/s',
      'J req/s ÷ C req/s (2 replicas on a replica host over NATS ÷ 2 thread replicas)',
      paired('J.rps', 'C.rps', div),
      '×',
      (v) => v >= 0.5,
    ),
    check(
      'J: added p50 ≤ 1 ms',
      'p50 of J − p50 of C, 1 connection',
      paired('G.J.p50', 'G.C.p50', sub),
      'ms',
      (v) => v <= 1,
    ),
    check(
      'H: serve ≥ 1.5 × inline',
      'serve req/s ÷ inline req/s',
      paired('H.serve.rps', 'H.inline.rps', div),
      '×',
      (v) => v >= 1.5,
    ),
    check(
      'I: host p99 with serve ≤ 2 × idle p99',
      '/health p99 while saturated ÷ idle, serve',
      paired('I.serve.loaded.health.p99', 'I.serve.idle.p99', div),
      '×',
      (v) => v <= 2,
    ),
    check(
      'K: handle calls/s ≥ 5 × Piscina run() calls/s',
      'K calls/s ÷ K-piscina calls/s (256 in flight, no HTTP, 2 threads each)',
      paired('K.cps', 'K-piscina.cps', div),
      '×',
      (v) => v >= 5,
    ),
    check('C-f ≥ 0.8 × A-f req/s', 'C-f req/s ÷ A-f req/s', paired('C-f.rps', 'A-f.rps', div), '×', (v) => v >= 0.8),
    check(
      'C-f main-thread CPU per request ≤ 1.25 × A-f',
      'C-f main-thread CPU µs/req (/proc) ÷ A-f',
      paired('C-f.mainUs', 'A-f.mainUs', div),
      '×',
      (v) => v <= 1.25,
    ),
    check('C-f ≥ 3 × C req/s', 'C-f req/s ÷ C req/s (Express)', paired('C-f.rps', 'C.rps', div), '×', (v) => v >= 3),
    check(
      'I-f: host p99 with serve on Fastify ≤ 2 × idle p99',
      '/health p99 while saturated ÷ idle, serve, Fastify',
      paired('I-f.loaded.health.p99', 'I-f.idle.p99', div),
      '×',
      (v) => v <= 2,
    ),
    check(
      'E: batched ≥ 4 × unbatched',
      'batched req/s ÷ unbatched req/s',
      paired('E.batched.rps', 'E.unbatched.rps', div),
      '×',
      (v) => v >= 4,
    ),
    check(
      'F: 2 replicas ≥ 1.8 × 1 replica',
      'req/s with 2 ÷ req/s with 1',
      paired('F.2.rps', 'F.1.rps', div),
      '×',
      (v) => v >= 1.8,
    ),
    check(
      '≤ 15 MB added RSS per thread replica',
      '(host RSS with 8 thread replicas − with 0) ÷ 8',
      perReplica,
      'MiB',
      (v) => v <= 15,
    ),
  ];
}
