/**
 * Which replicas a site's scale-down retires, in order: those still starting first, then those
 * serving, newest (highest start number) first within each, so a backend keeps the replicas
 * that have served longest. Returns at most `count` of them.
 */
export function retirementOrder<T extends { readonly number: number }>(
  starting: Iterable<T>,
  serving: Iterable<T>,
  count: number,
): T[] {
  const newestFirst = (entries: Iterable<T>) => [...entries].sort((a, b) => b.number - a.number);
  return [...newestFirst(starting), ...newestFirst(serving)].slice(0, Math.max(0, count));
}
