import type { AutoscalingConfig, ResolvedAutoscalingConfig } from './autoscaling-config.interface';

/** How a backend's replicas run. */
export type ReplicaKind = 'thread' | 'process';

/**
 * Where a backend's replicas run: `'local'` in this app, `'remote'` on replica hosts joined
 * through `ServeModule.forRoot({ cluster })`, `'both'` in both.
 */
export type ReplicaPlacementOption = 'local' | 'remote' | 'both';

/**
 * Runtime configuration of a backend, the counterpart of Ray Serve's `BackendConfig`.
 * Every field is optional; {@link DEFAULT_BACKEND_CONFIG} gives the defaults.
 */
export interface BackendConfig {
  /**
   * Number of replicas (copies of the class) per machine: in this app, and on each replica
   * host when `placement` is `'remote'` or `'both'`. Default 1.
   */
  numReplicas?: number;
  /** Requests one replica may have in flight at once. Default 100. */
  maxConcurrentQueries?: number;
  /** Largest batch handed to a `@Batch()` method. Default 10. */
  maxBatchSize?: number;
  /** How long a `@Batch()` method waits for its batch to fill, in ms. Default 0. */
  batchWaitTimeoutMs?: number;
  /** Requests that may wait for a free replica; beyond it callers get 503. Default 1000. */
  maxQueuedRequests?: number;
  /** Time a request may take from arrival to answer, queue time included; then 504. Default 30000. */
  requestTimeoutMs?: number;
  /**
   * Longest gap between two chunks of a stream while its reader waits, in ms; then the stream
   * ends with an error and the handler is cancelled. `requestTimeoutMs` bounds the first chunk.
   * Default 30000.
   */
  streamIdleTimeoutMs?: number;
  /** Any JSON value, handed to `reconfigure(userConfig)` in every replica. */
  userConfig?: unknown;
  /**
   * Let the replica count follow the load between `minReplicas` and `maxReplicas` (per site, like
   * `numReplicas`, which becomes the initial count). `null` turns autoscaling off again in
   * `updateBackendConfig`. Off by default. See {@link AutoscalingConfig}.
   */
  autoscaling?: AutoscalingConfig | null;
  /**
   * Cores one replica may use, a whole number (default 1). Process replicas get it as
   * `OMP_NUM_THREADS` and `UV_THREADPOOL_SIZE` (unless `env` sets them); every replica reads it as
   * `replicaContext().cpus` to size its own thread pools; start-up warns when the local replicas'
   * budgets add up to more than the machine's cores. Fixed when the backend is created.
   */
  cpusPerReplica?: number;
}

/** A {@link BackendConfig} with every default filled in (`autoscaling` resolved when set). */
export type ResolvedBackendConfig = Required<Omit<BackendConfig, 'userConfig' | 'autoscaling'>> & {
  userConfig?: unknown;
  autoscaling?: ResolvedAutoscalingConfig;
};

/** Options of `@Backend()`: a {@link BackendConfig} plus how the replicas are built. */
export interface BackendOptions extends BackendConfig {
  /** Backend name. Default: the class name. */
  name?: string;
  /** Constructor arguments, passed inside each replica; must be structured-cloneable. */
  initArgs?: unknown[];
  /** `'thread'` (worker_threads, default) or `'process'` (child_process). */
  replica?: ReplicaKind;
  /**
   * `'local'` (default): replicas run in this app. `'remote'`: on replica hosts
   * (`npx nestjs-serve replica`), `numReplicas` on each. `'both'`: here and there.
   * `'remote'` and `'both'` need `ServeModule.forRoot({ cluster })`.
   */
  placement?: ReplicaPlacementOption;
  /**
   * Extra environment variables for the replicas, e.g. `{ MY_MODEL_DIR: '/models' }`; they win over
   * the `OMP_NUM_THREADS` and `UV_THREADPOOL_SIZE` that `cpusPerReplica` sets. A thread replica's
   * `env` reaches its JavaScript (`process.env`) only, never native libraries: use `'process'` replicas for those.
   */
  env?: Record<string, string>;
  /**
   * Absolute path of the module that exports the class. Found automatically from where the
   * class is declared; set it only when that fails (e.g. a class re-created by a factory).
   */
  modulePath?: string;
  /** Name under which {@link modulePath} exports the class. Default: the class name. */
  exportName?: string;
  /**
   * Memory bounds of each replica. A thread replica over `maxOldGenerationSizeMb` dies alone
   * (and is replaced) instead of taking the app down; for process replicas it becomes
   * `--max-old-space-size`.
   */
  resourceLimits?: ReplicaResourceLimits;
}

/** Memory bounds of a replica, in MB (see Node's `Worker` `resourceLimits`). */
export interface ReplicaResourceLimits {
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  stackSizeMb?: number;
}
