import { DEFAULT_BACKEND_CONFIG } from '../../src/serve.constants';
import { emptyFleetState, type FleetBackend, type FleetRollout, type FleetState } from '../../src/fleet/fleet.state';

/** A backend record as the fleet stores it. */
export function backendRecord(overrides: Partial<FleetBackend> = {}): FleetBackend {
  return {
    className: 'Echo',
    modulePath: '/app/dist/echo.backend.js',
    exportName: 'Echo',
    codeVersion: 'sha256:aaaa',
    options: { initArgs: [], replica: 'thread', placement: 'local' },
    config: { ...DEFAULT_BACKEND_CONFIG },
    ...overrides,
  };
}

/** A state with backends `a` and `b` and endpoint `e` (all on `a`). */
export function twoBackends(): FleetState {
  const state = emptyFleetState();
  state.backends.a = backendRecord();
  state.backends.b = backendRecord({ className: 'EchoB', exportName: 'EchoB' });
  state.endpoints.e = { route: '/e', methods: ['GET'], traffic: { a: 1, b: 0 }, shadows: {} };
  return state;
}

/** A rollout of an endpoint to `backend`, running (at its first step). */
export function runningRollout(backend: string, previous: Record<string, number>): FleetRollout {
  return { id: 'r1', backend, options: {} as never, previous, step: 0, stepStartedAt: 1, startedAt: 1, done: [] };
}
