/** Median of the finite values, or NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The `p`-th percentile (0–100, nearest rank) of unsorted values, or NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** `a / b`, or NaN when either is missing or `b` is 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/**
 * Median over rounds of a per-round combination of two series (e.g. the ratio C/B of each round):
 * each round's figures were measured minutes apart at most, so drift cancels within a pair.
 */
export function pairedMedian(
  a: readonly number[],
  b: readonly number[],
  combine: (x: number, y: number) => number,
): number {
  return median(pairedRounds(a, b, combine));
}

/** The per-round combinations of two series that {@link pairedMedian} takes the median of (finite ones only). */
export function pairedRounds(
  a: readonly number[],
  b: readonly number[],
  combine: (x: number, y: number) => number,
): number[] {
  const n = Math.min(a.length, b.length);
  return Array.from({ length: n }, (_, i) => combine(a[i], b[i])).filter(Number.isFinite);
}
