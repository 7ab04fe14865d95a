import type { FleetAutoscalingLoad, FleetBackendLoad } from '../interfaces/serve-status.interface';
import type { FleetInstance } from './fleet.state';

/**
 * One autoscaled backend's load over the fleet, per site, as the decider's policy takes it: this
 * instance's own load now plus what every other instance reported in its last heartbeat, if that
 * heartbeat is at most `maxAgeMs` old (older figures are stale evidence: left out). `numReplicas`
 * counts per site, so the sum is divided by the sites the backend runs on across the fleet: each
 * instance's own site once per instance that runs replicas there, and each replica host once,
 * however many instances use it (the same meaning as one instance dividing by its sites).
 */
export function sumFleetLoad(
  backend: string,
  own: FleetBackendLoad | undefined,
  others: readonly Pick<FleetInstance, 'lastSeen' | 'load'>[],
  now: number,
  maxAgeMs: number,
): FleetAutoscalingLoad {
  const fresh = others.filter((i) => now - i.lastSeen <= maxAgeMs).map((i) => i.load?.backends?.[backend]);
  const parts = [own, ...fresh].filter((p): p is FleetBackendLoad => p !== undefined);
  const ongoing = parts.reduce((n, p) => n + p.queued + p.inFlight, 0);
  const hosts = new Set(parts.flatMap((p) => p.hosts));
  const sites = parts.filter((p) => p.local).length + hosts.size;
  return { ongoing, sites, perSite: ongoing / Math.max(1, sites), instances: parts.length };
}
