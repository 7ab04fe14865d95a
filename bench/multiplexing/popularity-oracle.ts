/**
 * Model loads of the best policy that does not know the future when requests are independent draws
 * from fixed popularities (Aho, Denning and Ullman's A0, 1971): keep the `slots - 1` most popular
 * models loaded for good and let every other model take turns in the last slot. `popular` lists
 * model ids from the most popular down (the bench knows the true Zipf ranks; a real policy has to
 * learn them, so it can only come near this).
 */
export function popularityOracleLoads(sequence: readonly string[], slots: number, popular: readonly string[]): number {
  const pinned = new Set(popular.slice(0, slots - 1));
  const loaded = new Set<string>();
  let rotating: string | undefined;
  let loads = 0;
  for (const id of sequence) {
    if (pinned.has(id)) {
      if (loaded.has(id)) continue;
      loads++;
      loaded.add(id);
    } else if (rotating !== id) {
      loads++;
      rotating = id;
    }
  }
  return loads;
}
