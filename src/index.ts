import 'reflect-metadata';

export * from './decorators';
export * from './interfaces';
export { ServeModule } from './module/serve.module';
export { ServeService, type EndpointInfo } from './module/serve.service';
export { ServeResponse, type ServeResponseInit } from './http/serve-response';
export { ServeError, isServeError, type ServeErrorCode } from './serve.errors';
export { getHandle } from './handle';
export { DEFAULT_BACKEND_CONFIG, DEFAULT_MODULE_OPTIONS, SHARD_KEY_HEADER, CALL_METHOD_HEADER } from './serve.constants';
export { TrafficPolicy, ReplicaScheduler, BatchCollector, RequestQueue, hashToUnit } from './router';
