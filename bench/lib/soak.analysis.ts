/** Decisions of the soak run that need no I/O: the RSS window and slope, 503s near kills, resource growth. */

/** One memory sample of the host after a full GC. */
export interface MemorySample {
  /** Since the soak's load started, ms. */
  atMs: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** Threads of the host when sampled (worker-thread replicas are threads: their heaps are part of its RSS). */
  threads: number;
  /** Active libuv resources of the host by type (timers, sockets...). */
  activeResources: Record<string, number>;
}

/** Threads, open fds and child processes of the host at one instant. */
export interface ResourceCount {
  threads: number;
  fds: number;
  children: number;
}

/** A 503 counts as caused by a kill when it came at most this long after one, ms. */
export const KILL_WINDOW_MS = 3000;
/** RSS is judged from minute 2 on... */
export const RSS_WINDOW_START_MS = 120_000;
/** ...or, for runs shorter than 10 minutes, from this share of the run on. */
export const RSS_WINDOW_START_SHARE = 0.2;
/** Runs at least this long fail when the RSS slope exceeds {@link RSS_SLOPE_BOUND_MB_PER_MIN}, ms. */
export const RSS_JUDGED_FROM_MS = 5 * 60_000;
/**
 * Largest host RSS slope (after full GC, least squares) a run of 5 minutes or more may show,
 * MB/min. A leak of 100 bytes per request at ~1000 req/s would be ~6 MB/min; allocator settling
 * measured well under this.
 */
export const RSS_SLOPE_BOUND_MB_PER_MIN = 1;

/** Where the RSS window starts for a run of `durationMs`: minute 2, or 20 % of a shorter run. */
export function rssWindowStartMs(durationMs: number): number {
  return Math.min(RSS_WINDOW_START_MS, RSS_WINDOW_START_SHARE * durationMs);
}

/** Least-squares slope of `y` over `x` (NaN with fewer than two distinct x). */
export function leastSquaresSlope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? NaN : sxy / sxx;
}

/** Slope of one memory figure over the samples, MB per minute. */
export function slopeMbPerMin(
  samples: readonly MemorySample[],
  figure: 'rssMb' | 'heapUsedMb' | 'heapTotalMb' | 'externalMb',
): number {
  return leastSquaresSlope(samples.map((s) => ({ x: s.atMs / 60_000, y: s[figure] })));
}

/** 503 answers split by whether a replica kill came at most {@link KILL_WINDOW_MS} before them. */
export interface Classified503s {
  nearKill: number;
  /** Times (ms since the load started) of the 503s with no kill just before them. */
  elsewhere: number[];
}

/** Splits the 503 answer times by the kill times (both ms on one clock). */
export function classify503s(answerTimes: readonly number[], killTimes: readonly number[]): Classified503s {
  const kills = [...killTimes].sort((a, b) => a - b);
  const result: Classified503s = { nearKill: 0, elsewhere: [] };
  for (const t of answerTimes) {
    const near = kills.some((k) => t >= k && t - k <= KILL_WINDOW_MS);
    if (near) result.nearKill++;
    else result.elsewhere.push(t);
  }
  return result;
}

/** The figures that grew from `start` to `end` (both taken with the same replicas at rest), as readable lines. */
export function resourceGrowth(start: ResourceCount, end: ResourceCount): string[] {
  return (Object.keys(start) as (keyof ResourceCount)[])
    .filter((k) => end[k] > start[k])
    .map((k) => `${k} grew from ${start[k]} to ${end[k]}`);
}

/** Why a soak run failed (empty: it passed). */
export function soakFailures(input: {
  hung: number;
  connectionErrors: number;
  growth: string[];
  durationMs: number;
  rssSlopeMbPerMin: number;
  /** Heap snapshots were written: each leaves tens of MB with the allocator, so RSS is reported, not judged. */
  heapSnapshots: boolean;
}): string[] {
  const failures: string[] = [];
  if (input.hung > 0) failures.push(`${input.hung} request(s) got no answer within the client timeout`);
  if (input.connectionErrors > 0) failures.push(`${input.connectionErrors} request(s) ended in a connection error`);
  failures.push(...input.growth);
  if (
    input.durationMs >= RSS_JUDGED_FROM_MS &&
    !input.heapSnapshots &&
    !(input.rssSlopeMbPerMin <= RSS_SLOPE_BOUND_MB_PER_MIN)
  ) {
    failures.push(
      `host RSS slope ${input.rssSlopeMbPerMin.toFixed(2)} MB/min exceeds ${RSS_SLOPE_BOUND_MB_PER_MIN} MB/min`,
    );
  }
  return failures;
}
