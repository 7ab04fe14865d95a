import type { BackendStatus } from '../interfaces/serve-status.interface';
import { ModelScheduler } from '../router/model.scheduler';
import { ReplicaScheduler } from '../router/replica.scheduler';
import { ModelFigures } from '../signals/model.figures';
import type { BackendRecorder } from '../signals/backend.recorder';
import type { BackendDefinition } from './backend.definition';
import type { ReplicaEntry } from './replica.lifecycle';

/**
 * The scheduler of a backend: a {@link ModelScheduler} for a multiplexed one (whose replicas'
 * model reports go to `recorder.models`), else a plain {@link ReplicaScheduler}.
 */
export function createScheduler(
  spec: BackendDefinition,
  maxConcurrentQueries: number,
  recorder: BackendRecorder,
): ReplicaScheduler<ReplicaEntry> {
  const multiplexing = spec.multiplexing;
  if (!multiplexing) return new ReplicaScheduler<ReplicaEntry>(maxConcurrentQueries);
  const { maxModelsPerReplica, hotModelInFlight, preload, routing, modelReplicas, idleCopyMs } = multiplexing.options;
  const figures = (recorder.models = new ModelFigures(maxModelsPerReplica));
  return new ModelScheduler<ReplicaEntry>(
    maxConcurrentQueries,
    { capacity: maxModelsPerReplica, hotModelInFlight, preload, routing, modelReplicas, idleCopyMs },
    (_slot, report) => figures.record(report),
    (entry, ids) => entry.replica.unloadModels(ids),
  );
}

/** `status` with the models of a multiplexed backend: per replica, and the backend's figures. */
export function withModels(
  status: BackendStatus,
  scheduler: ReplicaScheduler<ReplicaEntry>,
  recorder: BackendRecorder,
): BackendStatus {
  if (!(scheduler instanceof ModelScheduler) || !recorder.models) return status;
  const held = new Map(scheduler.all.map((e) => [e.id, scheduler.modelsOf(e)]));
  for (const replica of status.replicas) {
    const models = held.get(replica.id);
    if (models) replica.models = models;
  }
  const ready = scheduler.all.filter((e) => e.state !== 'stopped');
  status.models = recorder.models.status(ready.map((e) => ({ id: e.id, models: held.get(e.id) ?? [] })));
  return status;
}
