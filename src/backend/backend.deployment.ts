import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { ReplicaSite } from '../replicas/replica.interface';
import { shortCodeVersion } from '../replicas/code.version';
import { localSite } from '../replicas/replica.factory';
import type { ReplicaScheduler } from '../router/replica.scheduler';
import { createScheduler, withModels } from './model.routing';
import { waitUntil } from '../utils/wait.util';
import type { BackendStatus as ServeBackendStatus } from '../interfaces/serve-status.interface';
import { ServeSignals } from '../signals/serve.signals';
import { BackendRouter } from './backend.router';
import { BackendSignals } from './backend.signals';
import { describeBackend, type BackendLoad, type BackendStatus } from './backend.status';
import { ConfigRollout } from './config.rollout';
import { ReplicaHealth } from './replica.health';
import type { ReplicaEntry } from './replica.lifecycle';
import { ReplicaPool } from './replica.pool';
import { AutoscalingControl } from './autoscaling.control';
import { noCapacityError, type BackendDefinition } from './backend.definition';
import type { DeploymentSettings } from './deployment.settings';
export type { DeploymentSettings } from './deployment.settings';

/**
 * One backend at run time, as the registry holds it: owns its config and delegates the request
 * path to a {@link BackendRouter}, its replicas to a {@link ReplicaPool}, health pings to a
 * {@link ReplicaHealth} and `userConfig` updates to a {@link ConfigRollout}. Replicas start on
 * sites: this app (placement `local` / `both`) and each replica host that joined (placement
 * `remote` / `both`), `numReplicas` on each; one scheduler covers them all.
 */
export class BackendDeployment {
  private readonly scheduler: ReplicaScheduler<ReplicaEntry>;
  /** The request path: `router.submit()` and `router.submitShadow()` take the backend's requests. */
  readonly router: BackendRouter;
  private readonly pool: ReplicaPool;
  private readonly health: ReplicaHealth;
  private readonly rollout: ConfigRollout;
  /** The backend's requests, events and state. */
  readonly signals: BackendSignals;
  private stopped = false;
  private draining = false;
  private readonly autoscaling: AutoscalingControl;
  /** Scale changes, one at a time: `updateBackendConfig` and the autoscaler both scale. */
  private scaling: Promise<unknown> = Promise.resolve();

  constructor(
    /** What never changes about the backend. */
    readonly spec: BackendDefinition,
    private config: ResolvedBackendConfig,
    private readonly settings: DeploymentSettings,
  ) {
    const current = () => this.config;
    const app = settings.signals ?? new ServeSignals();
    this.signals = new BackendSignals(spec.name, app.backend(spec.name), app.events, settings.logger);
    this.scheduler = createScheduler(spec, config.maxConcurrentQueries, this.signals.recorder);
    this.pool = new ReplicaPool({
      definition: spec,
      config: current,
      scheduler: this.scheduler,
      settings,
      capacityChanged: () => this.router.capacityChanged(),
      signals: this.signals,
    });
    this.router = new BackendRouter({
      name: spec.name,
      scheduler: this.scheduler,
      config: current,
      hasCapacity: () => this.pool.hasCapacity || this.autoscaling.scalesFromZero,
      queued: () => this.autoscaling.kick(),
      noCapacityError: () => noCapacityError(spec, settings.clusterConnected()),
      exposeErrors: settings.exposeErrors,
      logger: settings.logger,
      recorder: this.signals.recorder,
    });
    this.autoscaling = new AutoscalingControl({
      name: spec.name,
      logger: settings.logger,
      ongoing: () => this.router.queued + this.router.inFlight,
      sites: () => this.pool.siteStates.length,
      replicas: () => this.config.numReplicas,
      scale: (n) => this.scale(n, 'autoscaling'),
      delegate: () => settings.autoscaling,
    });
    this.health = new ReplicaHealth(
      () => this.scheduler.all,
      settings.healthCheckTimeoutMs,
      settings.logger,
      (b) => this.signals.recorder.batchesReported(b),
    );
    this.rollout = new ConfigRollout(
      spec.name,
      () => this.scheduler.all,
      current,
      () => this.router.capacityChanged(),
      settings.replicaStartTimeoutMs,
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
    this.autoscaling.sync(this.config.autoscaling, !this.draining && !this.stopped);
  }

  /** Its counts and sites now, as {@link describe} shows them but without its copy of the config. */
  load(): BackendLoad {
    return {
      requests: this.router.requestCounts,
      queued: this.router.queued,
      inFlight: this.router.inFlight,
      autoscaled: Boolean(this.config.autoscaling),
      hosts: this.pool.siteStates.map((s) => s.site.name),
    };
  }

  /** Applies new limits (concurrency, queue bound, timeout, batching) to new and running work. */
  applyLimits(next: ResolvedBackendConfig): void {
    this.signals.configRolledOut(ConfigRollout.changedLimits(this.config, next));
    const { maxBatchSize, batchWaitTimeoutMs, maxConcurrentQueries } = this.config;
    // A new maxConcurrentQueries goes with the batching settings: replica hosts admit it.
    const batchingChanged =
      next.maxBatchSize !== maxBatchSize ||
      next.batchWaitTimeoutMs !== batchWaitTimeoutMs ||
      next.maxConcurrentQueries !== maxConcurrentQueries;
    this.config = { ...next, userConfig: this.config.userConfig, numReplicas: this.config.numReplicas };
    this.scheduler.maxConcurrentQueries = next.maxConcurrentQueries;
    if (batchingChanged) this.rollout.batching(next.maxBatchSize, next.batchWaitTimeoutMs, next.maxConcurrentQueries);
    this.autoscaling.sync(this.config.autoscaling, !this.draining && !this.stopped);
    this.router.capacityChanged();
  }

  /** See {@link ConfigRollout.roll}. */
  async reconfigure(userConfig: unknown): Promise<void> {
    await this.signals.during('updating', () => this.rollout.roll(userConfig));
    this.signals.configRolledOut(['userConfig']);
  }

  /** See {@link ReplicaPool.scale}; scale changes (`updateBackendConfig`, the autoscaler) run one after the other. */
  scale(numReplicas: number, cause: 'config' | 'autoscaling' = 'config'): Promise<void> {
    const run = this.scaling.then(async () => {
      const from = this.config.numReplicas;
      await this.signals.during('scaling', () => this.pool.scale(numReplicas));
      this.signals.scaled(from, numReplicas, cause);
    });
    this.scaling = run.catch(() => undefined);
    return run;
  }

  /** The autoscaler's last decision, if autoscaling is on and it decided anything. */
  get lastScaleDecision(): AutoscalingControl['last'] {
    return this.autoscaling.last;
  }

  /** The short code version its replicas run, e.g. `sha256:1a2b3c4d` (see {@link BackendDefinition.codeVersion}). */
  get codeVersion(): string {
    return shortCodeVersion(this.spec.codeVersion);
  }

  /** The typed status of the backend, as `ServeService.status()` shows it. */
  status(): ServeBackendStatus {
    const sites = Math.max(1, this.pool.siteStates.filter((s) => !s.removed).length);
    const status = this.signals.status({
      running: this.scheduler.all,
      starting: this.pool.starting,
      targetReplicas: this.stopped ? 0 : this.config.numReplicas * sites,
      cpusPerReplica: this.config.cpusPerReplica,
      queued: this.router.queued,
      inFlight: this.router.inFlight,
      refused: this.router.retries.refusals,
      lateAfterMs: 2 * this.settings.healthCheckPeriodMs + 1000,
      codeVersion: this.codeVersion,
    });
    return withModels(status, this.scheduler, this.signals.recorder);
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
    this.autoscaling.sync(this.config.autoscaling, false);
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
    return describeBackend({
      config: this.getConfig(),
      definition: this.spec,
      codeVersion: this.codeVersion,
      stopped: this.stopped,
      running: this.scheduler.all,
      starting: this.pool.starting,
      sites: this.pool.siteStates,
      queued: this.router.queued,
      inFlight: this.router.inFlight,
      requests: this.router.requestCounts,
      restarts: this.pool.restarts,
      refused: this.router.retries.refusals,
      lastError: this.pool.lastError,
    });
  }
}
