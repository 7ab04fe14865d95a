import 'reflect-metadata';
import type * as ModuleFile from './module/serve.module';
import type * as ServiceFile from './module/serve.service';
import type * as ReplicaHostFile from './cluster/replica-host.agent';
import type * as HealthFile from './health/serve.health-indicator';

export * from './decorators';
export * from './interfaces';
export { ServeResponse, type ServeResponseInit } from './http/serve-response';
export { ServeStream } from './replicas/serve.stream';
export { ServeError, isServeError, type ServeErrorCode } from './serve.errors';
export { getHandle } from './handle';
export { replicaContext } from './replicas/replica.context';
export {
  DEFAULT_BACKEND_CONFIG,
  DEFAULT_MODULE_OPTIONS,
  SHARD_KEY_HEADER,
  CALL_METHOD_HEADER,
  MODEL_ID_HEADER,
  MODEL_ID_PARAM,
} from './serve.constants';
export { TrafficPolicy, ReplicaScheduler, BatchCollector, RequestQueue, hashToUnit } from './router';
export type { EndpointInfo } from './module/serve.service';
export type { BackendStatus, BackendState, ReplicaStatus, ReplicaState, RequestCounts } from './backend/backend.status';
export type { ReplicaHostOptions } from './cluster/replica-host.options';
export type { LiveStepFigures } from './signals/serve.signals';

/** The Nest module: `ServeModule.forRoot({ backends })` or `forRootAsync(...)`. */
export declare const ServeModule: typeof ModuleFile.ServeModule;
export type ServeModule = ModuleFile.ServeModule;
/** The injectable service that changes backends, endpoints, traffic and user config at run time. */
export declare const ServeService: typeof ServiceFile.ServeService;
export type ServeService = ServiceFile.ServeService;
/** A replica host run from code: what `nestjs-serve replica` does (see "Scaling out"). */
export declare const ReplicaHost: typeof ReplicaHostFile.ReplicaHost;
export type ReplicaHost = ReplicaHostFile.ReplicaHost;

// The Nest-facing classes (and the replica host) load on first use: a replica that imports this package for its
// decorators then never loads Nest (about 0.5 s and 5 MB less per replica).
Object.defineProperty(exports, 'ServeModule', {
  enumerable: true,
  get: () => require('./module/serve.module').ServeModule,
});
Object.defineProperty(exports, 'ServeService', {
  enumerable: true,
  get: () => require('./module/serve.service').ServeService,
});
Object.defineProperty(exports, 'ReplicaHost', {
  enumerable: true,
  get: () => require('./cluster/replica-host.agent').ReplicaHost,
});

export { SERVE_HEALTH_SOURCE, type ServeHealthSource } from './health/serve-health.source';
export type { BackendHealth, ServeHealthDetails, ServeHealthResult } from './health/serve.health-indicator';
/**
 * The `@nestjs/terminus` health indicator: up when every backend has a ready replica, down with the
 * reason otherwise and while the app drains.
 */
export declare const ServeHealthIndicator: typeof HealthFile.ServeHealthIndicator;
export type ServeHealthIndicator = HealthFile.ServeHealthIndicator;
// Loads on first use, like ServeModule: it needs Nest, which replicas never load.
Object.defineProperty(exports, 'ServeHealthIndicator', {
  enumerable: true,
  get: () => require('./health/serve.health-indicator').ServeHealthIndicator,
});
