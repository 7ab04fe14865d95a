/**
 * The fewest model loads any policy can make for `sequence` with `slots` models loaded at once in
 * total (Belady's offline optimum: on a miss with every slot taken, drop the model needed again
 * furthest in the future). Replicas holding `slots / replicas` each can only do worse (a model
 * may be held twice; a slot is per replica), so this bounds every routing policy from below.
 */
export function beladyLoads(sequence: readonly string[], slots: number): number {
  const nextUse: number[] = new Array<number>(sequence.length);
  const seen = new Map<string, number>();
  for (let i = sequence.length - 1; i >= 0; i--) {
    nextUse[i] = seen.get(sequence[i]) ?? Infinity;
    seen.set(sequence[i], i);
  }
  const held = new Map<string, number>();
  let loads = 0;
  for (let i = 0; i < sequence.length; i++) {
    const id = sequence[i];
    if (!held.has(id)) {
      loads++;
      if (held.size >= slots) {
        let victim = '';
        let furthest = -1;
        for (const [other, next] of held) {
          if (next > furthest) [victim, furthest] = [other, next];
        }
        held.delete(victim);
      }
    }
    held.set(id, nextUse[i]);
  }
  return loads;
}
