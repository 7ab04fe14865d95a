import type { FleetScaleRecord } from '../fleet/fleet.state';
import type { AutoscalingDecisionStatus, FleetStatus, ServeStatus } from '../interfaces/serve-status.interface';
import type { ServeSignals } from '../signals/serve.signals';
import type { ServeRegistry } from './serve.registry';
import type { ServeRollouts } from './serve.rollouts';

/** What the status reads of the fleet (ServeFleet). */
export interface FleetStatusSource {
  /** The fleet as status() shows it; undefined without `cluster`. */
  status(): FleetStatus | undefined;
  /** The fleet's last autoscaling move of `backend`, while the fleet is shared. */
  lastScale(backend: string): FleetScaleRecord | undefined;
}

/**
 * The typed status of the running app (what `ServeService.status()` returns and the page shows):
 * every backend's state, replicas, figures, events and autoscaling (in a fleet, the fleet's last
 * move); every endpoint's split, shadows, figures and rollout in progress.
 */
export function composeStatus(
  registry: ServeRegistry,
  signals: ServeSignals,
  rollouts: ServeRollouts,
  shuttingDown: boolean,
  source?: FleetStatusSource,
): ServeStatus {
  const fleet = source?.status();
  const backends: ServeStatus['backends'] = {};
  for (const [name, backend] of registry.backends) {
    const status = backend.status();
    const autoscaling = backend.getConfig().autoscaling;
    if (autoscaling) {
      const local = backend.lastScaleDecision;
      // In a fleet this instance's own autoscaler stands by: the fleet's move is the one to show.
      const last: AutoscalingDecisionStatus | undefined =
        fleet?.mode === 'shared'
          ? structuredClone(source?.lastScale(name))
          : local && { target: local.target, reason: local.reason, at: local.at };
      status.autoscaling = { ...autoscaling, lastDecision: last };
    }
    backends[name] = status;
  }
  const endpoints: ServeStatus['endpoints'] = {};
  for (const [name, e] of registry.endpoints) {
    const f = signals.endpointFigures(name);
    endpoints[name] = {
      name,
      route: e.route,
      methods: [...e.methods],
      traffic: { ...e.policy.traffic },
      shadows: { ...e.policy.shadows },
      figures: {
        requestsPerSecond: f.requestsPerSecond,
        p50Ms: f.p50Ms,
        p99Ms: f.p99Ms,
        errorRate: f.errorRate,
        requests: f.requests,
        cancelled: f.cancelled,
        windowSeconds: signals.windowSeconds,
      },
      rollout: rollouts.of(name),
    };
  }
  return { at: Date.now(), shuttingDown, backends, endpoints, ...(fleet ? { fleet } : {}) };
}
