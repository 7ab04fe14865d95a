import type { FleetStatus, ServeStatus } from '../interfaces/serve-status.interface';
import type { ServeSignals } from '../signals/serve.signals';
import type { ServeRegistry } from './serve.registry';
import type { ServeRollouts } from './serve.rollouts';

/**
 * The typed status of the running app (what `ServeService.status()` returns and the page shows):
 * every backend's state, replicas, figures, events and autoscaling; every endpoint's split,
 * shadows, figures and rollout in progress.
 */
export function composeStatus(
  registry: ServeRegistry,
  signals: ServeSignals,
  rollouts: ServeRollouts,
  shuttingDown: boolean,
  fleet?: FleetStatus,
): ServeStatus {
  const backends: ServeStatus['backends'] = {};
  for (const [name, backend] of registry.backends) {
    const status = backend.status();
    const autoscaling = backend.getConfig().autoscaling;
    if (autoscaling) {
      const last = backend.lastScaleDecision;
      status.autoscaling = {
        ...autoscaling,
        lastDecision: last && { target: last.target, reason: last.reason, at: last.at },
      };
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
