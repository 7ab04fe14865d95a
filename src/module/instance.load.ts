import type { BackendLoad } from '../backend/backend.status';
import type { FleetBackendLoad, FleetInstanceFigures } from '../interfaces/serve-status.interface';
import { LOCAL_HOST } from '../replicas/replica.interface';

/** What {@link instanceLoad} reads of a backend. */
export interface LoadedBackend {
  readonly name?: string;
  load(): BackendLoad;
}

/**
 * This instance's own figures for its heartbeat: requests its backends answered, in flight and
 * queued now, and per autoscaled backend its load and the sites it runs on (`backends`, left out
 * when none is autoscaled), which the fleet's decider sums to scale it.
 */
export function instanceLoad(backends: Iterable<LoadedBackend>): FleetInstanceFigures {
  const load: FleetInstanceFigures = { requests: 0, failed: 0, inFlight: 0, queued: 0 };
  const scaled: Record<string, FleetBackendLoad> = {};
  for (const backend of backends) {
    const now = backend.load();
    const c = now.requests;
    load.requests += c.succeeded + c.failed + c.timedOut + c.rejected + c.replicaLost;
    load.failed += c.failed + c.timedOut + c.rejected + c.replicaLost;
    load.inFlight += now.inFlight;
    load.queued += now.queued;
    const own = backendLoad(now);
    if (own && backend.name !== undefined) scaled[backend.name] = own;
  }
  return Object.keys(scaled).length ? { ...load, backends: scaled } : load;
}

/** One backend's load and sites on this instance, if it is autoscaled (what the fleet's decider sums). */
export function backendLoad(now: BackendLoad | undefined): FleetBackendLoad | undefined {
  if (!now?.autoscaled) return undefined;
  return {
    queued: now.queued,
    inFlight: now.inFlight,
    local: now.hosts.includes(LOCAL_HOST),
    hosts: now.hosts.filter((h) => h !== LOCAL_HOST),
  };
}
