/** Draws model ranks 1..n with P(k) ∝ 1 / k^s from `random` (uniform in [0, 1)). */
export function zipf(n: number, s: number, random: () => number): () => number {
  const weights = Array.from({ length: n }, (_, k) => 1 / (k + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  return () => {
    const u = random();
    const k = cumulative.findIndex((c) => u <= c);
    return (k < 0 ? n - 1 : k) + 1;
  };
}
