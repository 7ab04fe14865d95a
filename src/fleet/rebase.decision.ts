import { same } from './fleet.diff';
import { fleetEntity, type FleetEntityKey, type FleetState } from './fleet.state';

/** What to do with a change whose compare-and-set write lost against another instance's write. */
export type RebaseDecision = { retry: true } | { retry: false; entity: FleetEntityKey };

/**
 * A change was checked against `base`; the store has moved on to `current`. If none of the
 * entities the change `touches` (changes) differs between the two, and the entities it `needs`
 * (the backends an endpoint names) still exist as the same class and code (their config may
 * have changed), the change is re-applied on `current`: another instance changed something else.
 * Otherwise it conflicts on the first such entity, and the caller gets a 409, never a mix.
 */
export function decideRebase(
  base: FleetState,
  current: FleetState,
  touches: readonly FleetEntityKey[],
  needs: readonly FleetEntityKey[] = [],
): RebaseDecision {
  for (const entity of touches)
    if (!same(fleetEntity(base, entity), fleetEntity(current, entity))) return { retry: false, entity };
  for (const entity of needs)
    if (!same(definitionOf(base, entity), definitionOf(current, entity))) return { retry: false, entity };
  return { retry: true };
}

/** An entity without its changeable config: what a change that only names it depends on. */
function definitionOf(state: FleetState, key: FleetEntityKey): unknown {
  const entity = fleetEntity(state, key);
  if (!entity || !('config' in entity)) return entity;
  const { config: _config, ...definition } = entity;
  return definition;
}
