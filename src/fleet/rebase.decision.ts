import { same } from './fleet.diff';
import { fleetEntity, type FleetEntityKey, type FleetState } from './fleet.state';

/** What to do with a change whose compare-and-set write lost against another instance's write. */
export type RebaseDecision = { retry: true } | { retry: false; entity: FleetEntityKey };

/**
 * A change was checked against `base`; the store has moved on to `current`. If none of the
 * entities the change `touches` (the one it changes and those it depends on) differs between the
 * two, the change is re-applied on `current` (another instance changed something else);
 * otherwise it conflicts on the first such entity, and the caller gets a 409, never a mix.
 */
export function decideRebase(
  base: FleetState,
  current: FleetState,
  touches: readonly FleetEntityKey[],
): RebaseDecision {
  for (const entity of touches)
    if (!same(fleetEntity(base, entity), fleetEntity(current, entity))) return { retry: false, entity };
  return { retry: true };
}
