import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { runningRollout } from './fleet-rollout.edits';
import { splitUses } from '../router/split.uses';
import {
  fleetEntity,
  fleetRouteKey,
  type FleetBackend,
  type FleetEndpoint,
  type FleetEntityKey,
  type FleetState,
} from './fleet.state';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import { ownEntry } from '../utils/object.util';

/**
 * One mutating `ServeService` call as a change of the desired state: the entities it changes or
 * depends on (for conflict decisions), and the next state from a given one. `apply` checks again
 * what may have changed since the call was checked (a route taken, a backend gone) and throws a
 * ServeError then; it never changes its argument.
 */
export interface FleetChange {
  /** The call, for messages: `setTraffic('/echo')`. */
  readonly what: string;
  /** The entities it changes: another instance's change to one of them is a conflict. */
  readonly touches: readonly FleetEntityKey[];
  /** The entities it only names (backends of an endpoint): a conflict if gone or redefined. */
  readonly needs: readonly FleetEntityKey[];
  apply(state: FleetState): FleetState;
}

/** The changes `ServeService` writes. */
export const fleetChanges = {
  createBackend(name: string, backend: FleetBackend): FleetChange {
    return fleetEdit(`createBackend('${name}')`, [`backend:${name}`], (s) => {
      if (ownEntry(s.backends, name)) throw new ServeError('CONFLICT', messages.duplicateBackend(name));
      s.backends[name] = backend;
    });
  },
  deleteBackend(name: string): FleetChange {
    return fleetEdit(`deleteBackend('${name}')`, [`backend:${name}`], (s) => {
      backendOf(s, name);
      const users = Object.entries(s.endpoints)
        .filter(([, e]) => splitUses(e, name))
        .map(([endpoint]) => endpoint);
      if (users.length) throw new ServeError('CONFLICT', messages.backendInUse(name, users));
      delete s.backends[name];
      delete s.autoscaling?.[name];
    });
  },
  updateBackend(name: string, config: ResolvedBackendConfig): FleetChange {
    return fleetEdit(`updateBackendConfig('${name}')`, [`backend:${name}`], (s) => {
      s.backends[name] = { ...backendOf(s, name), config };
      if (!config.autoscaling) delete s.autoscaling?.[name];
    });
  },
  createEndpoint(name: string, endpoint: FleetEndpoint): FleetChange {
    return fleetEdit(
      `createEndpoint('${name}')`,
      [`endpoint:${name}`],
      (s) => {
        if (ownEntry(s.endpoints, name)) throw new ServeError('CONFLICT', messages.duplicateEndpoint(name));
        const route = fleetRouteKey(endpoint.route);
        const owner = Object.entries(s.endpoints).find(([, e]) => fleetRouteKey(e.route) === route);
        if (owner) throw new ServeError('CONFLICT', messages.routeTaken(endpoint.route, owner[0], name));
        for (const backend of namedBackends(endpoint)) backendOf(s, backend);
        s.endpoints[name] = endpoint;
      },
      backendKeys(endpoint),
    );
  },
  /** setTraffic, shadowTraffic: the endpoint's new traffic and shadows. */
  putEndpoint(what: string, name: string, endpoint: FleetEndpoint): FleetChange {
    return fleetEdit(
      what,
      [`endpoint:${name}`],
      (s) => {
        if (!ownEntry(s.endpoints, name))
          throw new ServeError('NOT_FOUND', messages.unknownEndpoint(name, Object.keys(s.endpoints)));
        const rollout = runningRollout(s, name);
        if (rollout) throw new ServeError('CONFLICT', messages.rolloutRunning(name, rollout.backend));
        for (const backend of namedBackends(endpoint)) backendOf(s, backend);
        s.endpoints[name] = endpoint;
      },
      backendKeys(endpoint),
    );
  },
  deleteEndpoint(name: string): FleetChange {
    return fleetEdit(`deleteEndpoint('${name}')`, [`endpoint:${name}`], (s) => {
      delete s.endpoints[name];
      const rollout = runningRollout(s, name);
      if (rollout)
        rollout.result = { outcome: 'rolled-back', reason: messages.rolloutEndpointGone(name), steps: rollout.done };
    });
  },
  /** Puts the `touches` entities back as they were in `base` (a change this instance could not apply). */
  restore(what: string, base: FleetState, touches: readonly FleetEntityKey[]): FleetChange {
    return fleetEdit(`undo of ${what}`, [], (s) => {
      for (const key of touches) {
        const [kind, ...rest] = key.split(':');
        const name = rest.join(':');
        const table = (kind === 'backend' ? s.backends : s.endpoints) as Record<string, unknown>;
        const before = fleetEntity(base, key);
        if (before === undefined) delete table[name];
        else table[name] = before;
      }
    });
  },
};

/**
 * A change from an edit of a copy of the state. With no `touches` it is re-applied on any newer
 * state (the decider's own writes: `edit` checks what it needs and throws otherwise).
 */
export function fleetEdit(
  what: string,
  touches: readonly FleetEntityKey[],
  edit: (state: FleetState) => void,
  needs: readonly FleetEntityKey[] = [],
): FleetChange {
  return {
    what,
    touches,
    needs,
    apply(state) {
      const next = structuredClone(state);
      edit(next);
      return next;
    },
  };
}

function backendOf(state: FleetState, name: string): FleetBackend {
  const backend = ownEntry(state.backends, name);
  if (!backend) throw new ServeError('NOT_FOUND', messages.unknownBackend(name, Object.keys(state.backends)));
  return backend;
}

function namedBackends(endpoint: FleetEndpoint): string[] {
  return [...new Set([...Object.keys(endpoint.traffic), ...Object.keys(endpoint.shadows)])];
}

function backendKeys(endpoint: FleetEndpoint): FleetEntityKey[] {
  return namedBackends(endpoint).map((b) => `backend:${b}` as const);
}
