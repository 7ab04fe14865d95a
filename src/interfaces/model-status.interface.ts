/**
 * The models of a multiplexed backend in `BackendStatus`. Counts are since the backend was
 * created, over all its replicas (those gone included), as the replicas reported them with their
 * results.
 */
export interface ModelsStatus {
  /** `maxModelsPerReplica`. */
  maxModelsPerReplica: number;
  /** Models loaded per ready replica now, on average. */
  modelsPerReplica: number;
  /** Replicas holding each loaded model now, by model id. */
  holders: Record<string, string[]>;
  /** Requests whose model was loaded already in their replica. */
  hits: number;
  /** Requests whose model was not: they loaded it, or waited for its load (a single flight). */
  misses: number;
  /** `hits / (hits + misses)`; `null` before the first request. */
  hitRate: number | null;
  /** Successful calls of the backend's `load()`. */
  loads: number;
  /** Calls of `load()` that threw. */
  loadFailures: number;
  /** Models evicted (used least lately) and unloaded. */
  evictions: number;
  /** How long loads took. */
  loadLatency: ModelLoadLatency;
}

/** Load times of a multiplexed backend's models, in ms; each `null` before the first load. */
export interface ModelLoadLatency {
  /** The last load. */
  lastMs: number | null;
  /** Mean of every load. */
  meanMs: number | null;
  /** 99th percentile, estimated from the load-time histogram. */
  p99Ms: number | null;
  /** The slowest load. */
  maxMs: number | null;
}
