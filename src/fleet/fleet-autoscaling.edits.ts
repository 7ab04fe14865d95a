import { fleetMessages } from '../messages/fleet.messages';
import { ServeError } from '../serve.errors';
import { fleetEdit, type FleetChange } from './fleet.change';
import type { FleetScaleRecord } from './fleet.state';
import { ownEntry } from '../utils/object.util';

/**
 * The change that moves an autoscaled backend's `numReplicas` from `record.from` to
 * `record.target` and records the move in `autoscaling`. It touches no entity, so it is re-applied
 * on any newer state (the decider never gets a 409), but only while the backend is still
 * autoscaled at `record.from` replicas: otherwise the decision was taken on a count that is gone
 * (changed by hand, raised from zero by another instance) and it throws a CONFLICT ServeError,
 * writing nothing.
 */
export function autoscaledChange(backend: string, record: FleetScaleRecord): FleetChange {
  return fleetEdit(`autoscaling of backend '${backend}'`, [], (next) => {
    const found = ownEntry(next.backends, backend);
    const current = found?.config.autoscaling ? found.config.numReplicas : undefined;
    if (!found || current !== record.from)
      throw new ServeError('CONFLICT', fleetMessages.autoscaleStale(backend, record.from, current));
    found.config.numReplicas = record.target;
    (next.autoscaling ??= {})[backend] = record;
  });
}
