import type { Logger } from '@nestjs/common';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { ReplicaScheduler } from '../router/replica.scheduler';
import type { ServeError } from '../serve.errors';
import type { BackendRecorder } from '../signals/backend.recorder';
import type { ReplicaEntry } from './replica.lifecycle';

/** What the router of one backend needs from the rest of it. */
export interface RouterOptions {
  /** Backend name, for messages. */
  readonly name: string;
  /** The backend's replicas that take requests, shared with the pool that adds and removes them. */
  readonly scheduler: ReplicaScheduler<ReplicaEntry>;
  /** The backend's current config (limits are read per request). */
  config(): ResolvedBackendConfig;
  /** True while a replica serves or may soon: one is up, starting, or due to restart. */
  hasCapacity(): boolean;
  /** The 503 for a request no replica can take now or soon. */
  noCapacityError(): ServeError;
  /** Put a handler's message and stack in its 500 body (module option `exposeErrors`). */
  readonly exposeErrors: boolean;
  /** Where a handler's uncaught error is logged. */
  readonly logger: Logger;
  /** Counts every request once, when it settles (by endpoint, code and outcome, with its latencies). */
  readonly recorder?: BackendRecorder;
  /** Milliseconds now, monotonic, for request deadlines: `performance.now` by default (tests with mocked timers pass `Date.now`). */
  readonly clock?: () => number;
  /** Called when a request had to wait in the queue (an autoscaler at zero replicas starts one). */
  queued?(): void;
}
