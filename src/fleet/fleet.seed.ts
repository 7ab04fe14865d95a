import { same } from './fleet.diff';
import { fleetRouteKey, type FleetEntityKey, type FleetState } from './fleet.state';
import { ownEntry } from '../utils/object.util';

/** The desired state once an instance's declarations joined the stored one. */
export interface SeedResult {
  state: FleetState;
  /** False when the stored state already holds everything: nothing to write. */
  added: boolean;
  /** Declared backends whose stored config differs from the declaration (the stored one wins). */
  differing: string[];
}

/**
 * The desired state after an instance with `declared` (its forRoot() backends and endpoints)
 * joins a fleet whose stored state is `stored`. A declaration seeds its entity once: entities
 * the store holds win (a change made at run time is never undone by a restart with the old
 * declarations), entities deleted at run time stay deleted, and only entities never seeded
 * before (new in this code) are added.
 */
export function seedFleetState(stored: FleetState | undefined, declared: FleetState): SeedResult {
  const state = stored ? structuredClone(stored) : { ...structuredClone(declared), backends: {}, endpoints: {} };
  state.seeded ??= [];
  const seeded = new Set<FleetEntityKey>(state.seeded);
  let added = !stored;
  const differing: string[] = [];
  for (const [name, backend] of Object.entries(declared.backends)) {
    const key = `backend:${name}` as const;
    const stored = ownEntry(state.backends, name);
    if (stored) {
      if (!same(stored.config, backend.config)) differing.push(name);
    } else if (!seeded.has(key)) state.backends[name] = backend;
    added = markSeeded(seeded, key) || added;
  }
  for (const [name, endpoint] of Object.entries(declared.endpoints)) {
    const key = `endpoint:${name}` as const;
    const routeTaken = Object.values(state.endpoints).some(
      (e) => fleetRouteKey(e.route) === fleetRouteKey(endpoint.route),
    );
    const backendsThere = Object.keys(endpoint.traffic).every((b) => ownEntry(state.backends, b));
    if (!seeded.has(key) && !ownEntry(state.endpoints, name) && !routeTaken && backendsThere)
      state.endpoints[name] = endpoint;
    added = markSeeded(seeded, key) || added;
  }
  state.seeded = [...seeded];
  return { state, added, differing };
}

/** Adds `key` to `seeded`; true when it was not there yet. */
function markSeeded(seeded: Set<FleetEntityKey>, key: FleetEntityKey): boolean {
  if (seeded.has(key)) return false;
  seeded.add(key);
  return true;
}
