import type { Logger } from '@nestjs/common';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { ServeRequest } from '../interfaces/serve-request.interface';
import type { ReplicaEvents, ReplicaSite } from '../replicas/replica.interface';
import { localSite } from '../replicas/replica.factory';
import type { CallResult } from '../replicas/result.codec';
import { ReplicaScheduler } from '../router/replica.scheduler';
import { RETRY_AFTER_SECONDS } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { waitUntil } from '../utils/wait.util';
import type { BackendDefinition } from './backend.definition';
import { BackendRouter } from './backend.router';
import type { BackendStatus } from './backend.status';
import { ConfigRollout } from './config.rollout';
import { ReplicaHealth } from './replica.health';
import type { ReplicaEntry } from './replica.lifecycle';
import { ReplicaPool } from './replica.pool';

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
}

/**
 * One backend at run time, as the registry holds it: owns its config and delegates the request
 * path to a {@link BackendRouter}, its replicas to a {@link ReplicaPool}, health pings to a
 * {@link ReplicaHealth} and `userConfig` updates to a {@link ConfigRollout}. Replicas start on
 * sites: this app (placement `local` / `both`) and each replica host that joined (placement
 * `remote` / `both`), `numReplicas` on each; one scheduler covers them all.
 */
export class BackendDeployment {
  private readonly scheduler: ReplicaScheduler<ReplicaEntry>;
  private readonly router: BackendRouter;
  private readonly pool: ReplicaPool;
  private readonly health: ReplicaHealth;
  private readonly rollout: ConfigRollout;
  private stopped = false;
  private draining = false;

  constructor(
    /** What never changes about the backend. */
    readonly spec: BackendDefinition,
    private config: ResolvedBackendConfig,
    private readonly settings: DeploymentSettings,
  ) {
    this.scheduler = new ReplicaScheduler<ReplicaEntry>(config.maxConcurrentQueries);
    const current = () => this.config;
    this.pool = new ReplicaPool({
      definition: spec,
      config: current,
      scheduler: this.scheduler,
      settings,
      capacityChanged: () => this.router.capacityChanged(),
    });
    this.router = new BackendRouter({
      name: spec.name,
      scheduler: this.scheduler,
      config: current,
      hasCapacity: () => this.pool.hasCapacity,
      noCapacityError: () => this.noCapacityError(),
      exposeErrors: settings.exposeErrors,
      logger: settings.logger,
    });
    this.health = new ReplicaHealth(() => this.scheduler.all, settings.healthCheckTimeoutMs, settings.logger);
    this.rollout = new ConfigRollout(
      spec.name,
      () => this.scheduler.all,
      current,
      () => this.router.capacityChanged(),
    );
  }

  /** Backend name. */
  get name(): string {
    return this.spec.name;
  }

  /** A copy of the current config. */
  getConfig(): ResolvedBackendConfig {
    return structuredClone(this.config);
  }

  /**
   * Starts every local replica in parallel; rejects (and stops those that started) if one cannot
   * start. Remote replicas start as replica hosts join ({@link addSite}).
   */
  async start(): Promise<void> {
    if (this.spec.placement !== 'remote') {
      try {
        await this.pool.startOn(this.settings.localSite ?? localSite);
      } catch (err) {
        await this.stop(0);
        throw err;
      }
    }
    this.health.start(this.settings.healthCheckPeriodMs);
  }

  /** See {@link BackendRouter.submit}. */
  submit(
    method: string,
    request: ServeRequest,
    done: (result: CallResult) => void,
    internal = false,
    signal?: AbortSignal,
  ): void {
    this.router.submit(method, request, done, internal, signal);
  }

  /** Requests waiting in the queue. */
  get queued(): number {
    return this.router.queued;
  }

  /** Requests in flight in the replicas. */
  get inFlight(): number {
    return this.router.inFlight;
  }

  /** Applies new limits (concurrency, queue bound, timeout, batching) to new and running work. */
  applyLimits(next: ResolvedBackendConfig): void {
    const batchingChanged =
      next.maxBatchSize !== this.config.maxBatchSize || next.batchWaitTimeoutMs !== this.config.batchWaitTimeoutMs;
    this.config = { ...next, userConfig: this.config.userConfig, numReplicas: this.config.numReplicas };
    this.scheduler.maxConcurrentQueries = next.maxConcurrentQueries;
    if (batchingChanged) {
      for (const entry of this.scheduler.all) entry.replica.setBatching(next.maxBatchSize, next.batchWaitTimeoutMs);
    }
    this.router.capacityChanged();
  }

  /** See {@link ConfigRollout.roll}. */
  reconfigure(userConfig: unknown): Promise<void> {
    return this.rollout.roll(userConfig);
  }

  /** See {@link ReplicaPool.scale}. */
  scale(numReplicas: number): Promise<void> {
    return this.pool.scale(numReplicas);
  }

  /** A replica host joined that can run this backend: start `numReplicas` there. */
  addSite(site: ReplicaSite): void {
    if (this.spec.placement === 'local' || this.stopped || this.draining) return;
    this.pool.addSite(site);
  }

  /** See {@link ReplicaPool.removeSite}. */
  removeSite(id: string, reason: string, graceful: boolean): Promise<void> {
    return this.pool.removeSite(id, reason, graceful);
  }

  /** Takes only internal calls from now on and starts no more replicas. */
  beginDrain(): void {
    this.draining = true;
    this.router.beginDrain();
    this.pool.beginDrain();
  }

  /** True when nothing is queued or in flight (or no replica is left to finish anything). */
  get idle(): boolean {
    return this.router.idle;
  }

  /**
   * Stops taking requests, lets those in flight and queued finish within `graceMs`, answers the
   * rest 503, then stops every replica (killing those that do not exit in time).
   */
  async stop(graceMs: number): Promise<void> {
    this.beginDrain();
    await waitUntil(() => this.idle, graceMs);
    this.stopped = true;
    this.health.stop();
    this.router.close();
    await this.pool.stop();
  }

  /** Config and state, as `listBackends()` shows them. */
  describe(): BackendStatus {
    const sites = this.pool.siteStates;
    return {
      ...this.getConfig(),
      replica: this.spec.kind,
      placement: this.spec.placement,
      status: this.stopped
        ? 'stopped'
        : this.scheduler.all.some((e) => e.state === 'ready')
          ? 'running'
          : sites.some((s) => s.starting.size > 0 || s.timer)
            ? 'restarting'
            : 'unavailable',
      queued: this.router.queued,
      inFlight: this.router.inFlight,
      requests: this.router.requestCounts,
      restarts: this.pool.restarts,
      consecutiveFailures: Math.max(0, ...sites.map((s) => s.failures)),
      lastError: this.pool.lastError,
      hosts: sites.map((s) => s.site.name),
      replicas: [...this.scheduler.all, ...this.pool.starting].map((e) => ({
        id: e.id,
        host: e.site.site.name,
        replica: e.replica.kind,
        state: e.state,
        inFlight: e.inFlight,
        served: e.served,
      })),
    };
  }

  private noCapacityError(): ServeError {
    const message =
      this.spec.placement === 'local'
        ? messages.noReplicas(this.name)
        : messages.noRemoteReplica(this.name, this.settings.clusterConnected());
    return new ServeError('REPLICA_UNAVAILABLE', message, { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
}
