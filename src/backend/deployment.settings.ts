import type { Logger } from '@nestjs/common';
import type { ReplicaEvents, ReplicaSite } from '../replicas/replica.interface';
import type { ServeSignals } from '../signals/serve.signals';
import type { AutoscalingDelegate } from './autoscaling.delegate';

/** Settings of the module that every deployment uses (see `ServeModuleOptions` for each). */
export interface DeploymentSettings {
  exposeErrors: boolean;
  healthCheckPeriodMs: number;
  healthCheckTimeoutMs: number;
  gracefulShutdownTimeoutMs: number;
  replicaStopTimeoutMs: number;
  replicaStartTimeoutMs: number;
  replicaNice: number;
  /** Where the backend's log lines go (Nest's `Logger`, context `nestjs-serve`). */
  logger: Logger;
  /** True while the app's cluster connection is up (for messages). */
  clusterConnected(): boolean;
  /** Answers a replica's `getHandle(endpoint).remote(...)` call. */
  handleCall: ReplicaEvents['handleCall'];
  /** Answers a replica's `getHandle(endpoint).stream(...)` call. */
  handleStream: ReplicaEvents['handleStream'];
  /** Where local replicas start; this app's threads and processes unless a test says otherwise. */
  localSite?: ReplicaSite;
  /** The app's signal pipeline (a private one when absent, as in tests of one backend). */
  signals?: ServeSignals;
  /** Set once the app may join a fleet: while it is active, the fleet's decider autoscales. */
  autoscaling?: AutoscalingDelegate;
}
