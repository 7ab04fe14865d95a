import type { BackendStatus } from '../backend/backend.status';
import type { FleetInstanceFigures } from '../interfaces/serve-status.interface';

/** What {@link instanceLoad} reads of a backend. */
export interface LoadedBackend {
  describe(): Pick<BackendStatus, 'requests'>;
  readonly inFlight: number;
  readonly queued: number;
}

/** This instance's own figures for its heartbeat: requests its backends answered, in flight and queued now. */
export function instanceLoad(backends: Iterable<LoadedBackend>): FleetInstanceFigures {
  const load = { requests: 0, failed: 0, inFlight: 0, queued: 0 };
  for (const backend of backends) {
    const c = backend.describe().requests;
    load.requests += c.succeeded + c.failed + c.timedOut + c.rejected + c.replicaLost;
    load.failed += c.failed + c.timedOut + c.rejected + c.replicaLost;
    load.inFlight += backend.inFlight;
    load.queued += backend.queued;
  }
  return load;
}
