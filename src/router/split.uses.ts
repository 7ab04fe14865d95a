import type { WeightMap } from './traffic.policy';

/**
 * Whether an endpoint's split names `backend` in its traffic (weight 0 included) or its shadows.
 * Own keys only: a backend may be named like an `Object` member (`constructor`), which `in` finds on every split.
 */
export function splitUses(
  split: { readonly traffic: WeightMap; readonly shadows: WeightMap },
  backend: string,
): boolean {
  return Object.hasOwn(split.traffic, backend) || Object.hasOwn(split.shadows, backend);
}
