import type { StepFigures } from '../router/rollout.judge';
import type { FleetStepFigures } from './fleet.state';

/**
 * A backend's step figures over the whole fleet: this instance's own plus those other instances
 * reported in their heartbeats for the same endpoint, backend and step (`since`). Requests and
 * errors add up; the p99 is the highest of the parts that saw requests (the p99s of separate
 * instances cannot be merged exactly; the highest never hides a slow instance).
 */
export function sumStepFigures(
  own: StepFigures,
  reported: readonly FleetStepFigures[],
  endpoint: string,
  backend: string,
  since: number,
): StepFigures {
  const parts = [own, ...reported.filter((f) => f.endpoint === endpoint && f.backend === backend && f.since === since)];
  const p99s = parts.filter((p) => p.requests > 0 && p.p99Ms !== undefined).map((p) => p.p99Ms!);
  return {
    requests: parts.reduce((n, p) => n + p.requests, 0),
    errors: parts.reduce((n, p) => n + p.errors, 0),
    p99Ms: p99s.length ? Math.max(...p99s) : undefined,
  };
}
