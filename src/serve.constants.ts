import type { ResolvedBackendConfig } from './interfaces/backend-config.interface';

/** Reflect-metadata key of `@Backend()` options on a class. String keys, so copies of the package agree. */
export const BACKEND_METADATA = 'nestjs-serve:backend';
/** Reflect-metadata key of the `@Endpoint()` bindings of a class. */
export const ENDPOINTS_METADATA = 'nestjs-serve:endpoints';
/** Reflect-metadata key of the names of a class's `@Batch()` methods. */
export const BATCH_METADATA = 'nestjs-serve:batch';
/** Reflect-metadata key of the `@Multiplexed()` method of a class and its options. */
export const MULTIPLEXED_METADATA = 'nestjs-serve:multiplexed';
/** Reflect-metadata key of what `defineBackend()` records on the class it generates. */
export const FUNCTION_BACKEND_METADATA = 'nestjs-serve:function-backend';

/** Injection token of the resolved module options. */
export const SERVE_OPTIONS = Symbol.for('nestjs-serve:options');

/** Defaults of every {@link BackendConfig} field but `userConfig`. */
export const DEFAULT_BACKEND_CONFIG: Readonly<ResolvedBackendConfig> = Object.freeze({
  numReplicas: 1,
  maxConcurrentQueries: 100,
  maxBatchSize: 10,
  batchWaitTimeoutMs: 0,
  maxQueuedRequests: 1000,
  requestTimeoutMs: 30_000,
  streamIdleTimeoutMs: 30_000,
  cpusPerReplica: 1,
});

/** Defaults of the module options. */
export const DEFAULT_MODULE_OPTIONS = Object.freeze({
  exposeErrors: false,
  bodyLimit: 100 * 1024,
  healthCheckPeriodMs: 1000,
  healthCheckTimeoutMs: 30_000,
  replicaStartTimeoutMs: 300_000,
  gracefulShutdownTimeoutMs: 20_000,
  replicaStopTimeoutMs: 2000,
  replicaNice: 5,
});

/**
 * How long a drain (shutdown, deleteBackend) waits for shadow copies in flight once primary
 * requests are done, in ms; queued shadow copies are dropped at once. Shadow answers reach nobody.
 */
export const SHADOW_DRAIN_TIMEOUT_MS = 1000;

/** Defaults of `ServeModule.forRoot({ cluster })`. */
export const DEFAULT_CLUSTER_OPTIONS = Object.freeze({
  prefix: 'nestjs-serve',
  heartbeatPeriodMs: 250,
  heartbeatTimeoutMs: 1000,
});

/** Defaults of `cluster.fleet`. An instance is live while its heartbeat is at most 3 periods old. */
export const DEFAULT_FLEET_OPTIONS = Object.freeze({
  heartbeatPeriodMs: 1000,
  applyTimeoutMs: 30_000,
  startTimeoutMs: 5000,
});

/** Header that pins requests with the same value to the same backend. */
export const SHARD_KEY_HEADER = 'x-serve-shard-key';
/** Header that names the backend method to call instead of the bound one. */
export const CALL_METHOD_HEADER = 'x-serve-call-method';
/** Header that names the model a request of a multiplexed backend is for. */
export const MODEL_ID_HEADER = 'x-serve-model-id';
/** Route parameter that names the model a request of a multiplexed backend is for (`/models/:model/predict`). */
export const MODEL_ID_PARAM = 'model';
/** Longest accepted shard key, in characters. */
export const MAX_SHARD_KEY_LENGTH = 256;
/** Seconds a 503 for a saturated backend asks the caller to wait. */
export const RETRY_AFTER_SECONDS = 1;

/** Defaults of `BackendConfig.autoscaling` (`maxReplicas` defaults to the larger of `minReplicas` and 4). */
export const DEFAULT_AUTOSCALING_CONFIG = Object.freeze({
  minReplicas: 1,
  maxReplicas: 4,
  targetOngoingRequests: 2,
  upscaleDelayMs: 1000,
  downscaleDelayMs: 30_000,
  lookBackMs: 500,
  intervalMs: 100,
  tolerance: 0.1,
});

/** Defaults of `ServeService.rollout()` options (Flagger-like checks: ≥ 99 % success, p99 ≤ 500 ms). */
export const DEFAULT_ROLLOUT_OPTIONS = Object.freeze({
  steps: Object.freeze([0.01, 0.1, 0.5, 1]) as readonly number[],
  stepIntervalMs: 30_000,
  minRequestsPerStep: 100,
  maxErrorRate: 0.01,
  maxP99Ms: 500,
  maxLatencyRatio: 2,
  shadowFirstMs: 0,
  maxWaitIntervals: 10,
});

/** A name usable as one NATS subject token. */
export const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;
