import type { Logger } from '@nestjs/common';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { Replica, ReplicaEvents, ReplicaSite } from '../replicas/replica.interface';
import type { ReplicaScheduler, ReplicaSlot } from '../router/replica.scheduler';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { BackendDefinition } from './backend.definition';
import type { ReplicaState } from './backend.status';
import { RestartPolicy } from './restart.policy';

/** A place replicas start (this app, or a replica host) and its crash-loop state. */
export interface SiteState {
  readonly site: ReplicaSite;
  readonly starting: Set<ReplicaEntry>;
  /** Failed starts in a row. */
  failures: number;
  /** Set while a replacement is due. */
  timer?: NodeJS.Timeout;
  removed: boolean;
}

/** One replica of a backend as its pool, router, health check and rollout see it. */
export interface ReplicaEntry extends ReplicaSlot {
  readonly replica: Replica;
  state: ReplicaState;
  /** Start order within the backend: scale-down retires the highest first. */
  readonly number: number;
  lastPong: number;
  readyAt: number;
  served: number;
  readonly site: SiteState;
  /** Called when its last request in flight finished (set while it drains). */
  idle?: () => void;
}

/** Settings of the module that a pool uses. */
export interface PoolSettings {
  readonly gracefulShutdownTimeoutMs: number;
  readonly replicaStopTimeoutMs: number;
  readonly replicaStartTimeoutMs: number;
  readonly replicaNice: number;
  readonly logger: Logger;
  readonly handleCall: ReplicaEvents['handleCall'];
}

/** What a pool needs from the backend it serves. */
export interface PoolOptions {
  readonly definition: BackendDefinition;
  /** The backend's current config, read when a replica starts and when the pool decides how many should run. */
  config(): ResolvedBackendConfig;
  /** The replicas that take requests: the pool adds those ready and removes those gone. */
  readonly scheduler: ReplicaScheduler<ReplicaEntry>;
  readonly settings: PoolSettings;
  /** Called whenever capacity changed: a replica ready, gone, or no replica is left nor coming. */
  capacityChanged(): void;
  readonly restartPolicy?: RestartPolicy;
}

/**
 * A backend's replicas across sites (this app, replica hosts): starts them (with a timeout, then
 * catching up with a config changed meanwhile), retires them (drain, then stop), replaces those
 * that exit (with backoff), scales each site to `numReplicas`, and drops a site's replicas when
 * the site goes. Tells the router through one callback when capacity changed.
 */
export class ReplicaPool {
  private readonly sites = new Map<string, SiteState>();
  private readonly restartPolicy: RestartPolicy;
  private nextNumber = 1;
  private draining = false;
  private stopped = false;
  /** Why the last replica died or failed to start. */
  lastError?: string;
  /** Replacement replicas started. */
  restarts = 0;

  constructor(private readonly options: PoolOptions) {
    this.restartPolicy = options.restartPolicy ?? new RestartPolicy();
  }

  private get name(): string {
    return this.options.definition.name;
  }

  /** The sites replicas start on, in the order they opened. */
  get siteStates(): SiteState[] {
    return [...this.sites.values()];
  }

  /** Replicas up (ready, reconfiguring or draining). */
  get running(): readonly ReplicaEntry[] {
    return this.options.scheduler.all;
  }

  /** Replicas still starting. */
  get starting(): ReplicaEntry[] {
    return this.siteStates.flatMap((s) => [...s.starting]);
  }

  /** True while a replica serves or may soon: one is up, starting, or due to restart. */
  get hasCapacity(): boolean {
    return (
      this.running.some((e) => e.state !== 'draining') ||
      this.siteStates.some((s) => s.starting.size > 0 || s.timer !== undefined)
    );
  }

  /** Opens `site` and starts `numReplicas` there in parallel; rejects if one cannot start (the others keep running). */
  async startOn(site: ReplicaSite): Promise<void> {
    const state = this.openSite(site);
    const results = await Promise.allSettled(
      Array.from({ length: this.options.config().numReplicas }, () => this.addReplica(state)),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** A replica host joined that can run this backend: start `numReplicas` there, retrying failed starts. */
  addSite(site: ReplicaSite): void {
    if (this.stopped || this.draining || this.sites.has(site.id)) return;
    const state = this.openSite(site);
    for (let i = 0; i < this.options.config().numReplicas; i++) {
      this.addReplica(state).catch((err: Error) => this.startFailed(state, err));
    }
  }

  /**
   * A site left. If it drains (`graceful`), its replicas finish what they run and stop; otherwise
   * they are dropped at once: their requests in flight answer 503, queued ones go elsewhere.
   */
  async removeSite(id: string, reason: string, graceful: boolean): Promise<void> {
    const state = this.sites.get(id);
    if (state) {
      state.removed = true;
      this.sites.delete(id);
      clearTimeout(state.timer);
      state.timer = undefined;
      for (const entry of state.starting) entry.replica.kill(new Error(reason));
    }
    // Also replicas still draining from an earlier graceful removal: the replica host died meanwhile.
    const entries = this.running.filter((e) => e.site.site.id === id);
    if (!state && entries.length === 0) return;
    if (graceful) {
      const live = entries.filter((e) => e.state !== 'draining');
      await Promise.all(live.map((e) => this.retire(e, this.options.settings.gracefulShutdownTimeoutMs)));
      return;
    }
    for (const entry of entries) {
      this.options.scheduler.remove(entry);
      entry.state = 'stopped';
      entry.replica.kill(new Error(reason));
    }
    this.lastError = reason;
    this.options.capacityChanged();
  }

  /**
   * Starts or drains replicas until `numReplicas` run on every site; scale-down retires the
   * newest first. If a site cannot scale up, every site goes back to the previous number.
   */
  async scale(numReplicas: number): Promise<void> {
    const config = this.options.config();
    const previous = config.numReplicas;
    config.numReplicas = numReplicas;
    const sites = this.siteStates;
    const results = await Promise.allSettled(sites.map((site) => this.scaleSite(site, numReplicas)));
    // A replica host that left meanwhile is no reason to undo the others.
    const failed = results.find((r, i): r is PromiseRejectedResult => r.status === 'rejected' && !sites[i].removed);
    if (failed) {
      this.options.config().numReplicas = previous;
      await Promise.allSettled(this.siteStates.map((site) => this.scaleSite(site, previous)));
      throw failed.reason;
    }
  }

  /** Starts no more replicas and kills those starting. */
  beginDrain(): void {
    this.draining = true;
    for (const site of this.sites.values()) {
      clearTimeout(site.timer);
      site.timer = undefined;
      for (const entry of site.starting) entry.replica.kill(new ServeError('SHUT_DOWN', messages.shutDown()));
    }
  }

  /** Retires every replica at once (no grace) and starts none again. */
  async stop(): Promise<void> {
    this.beginDrain();
    this.stopped = true;
    await Promise.all([...this.running].map((e) => this.retire(e, 0)));
  }

  private async scaleSite(site: SiteState, numReplicas: number): Promise<void> {
    const live = this.liveCount(site);
    if (numReplicas > live) {
      const results = await Promise.allSettled(Array.from({ length: numReplicas - live }, () => this.addReplica(site)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } else if (numReplicas < live) {
      const newestFirst = this.entriesOf(site)
        .filter((e) => e.state !== 'draining')
        .sort((a, b) => b.number - a.number);
      const grace = this.options.settings.gracefulShutdownTimeoutMs;
      await Promise.all(newestFirst.slice(0, live - numReplicas).map((e) => this.retire(e, grace)));
    }
  }

  private openSite(site: ReplicaSite): SiteState {
    const state: SiteState = { site, starting: new Set(), failures: 0, removed: false };
    this.sites.set(site.id, state);
    return state;
  }

  private entriesOf(site: SiteState): ReplicaEntry[] {
    return this.running.filter((e) => e.site === site);
  }

  /** Replicas of a site serving or starting, not those draining away. */
  private liveCount(site: SiteState): number {
    return this.entriesOf(site).filter((e) => e.state !== 'draining').length + site.starting.size;
  }

  private async addReplica(site: SiteState): Promise<ReplicaEntry> {
    const { definition, settings } = this.options;
    const config = this.options.config();
    const number = this.nextNumber++;
    const id = `${this.name}#${number}`;
    const started = {
      userConfig: config.userConfig,
      maxBatchSize: config.maxBatchSize,
      waitMs: config.batchWaitTimeoutMs,
    };
    const replica = site.site.start(
      {
        kind: definition.kind,
        env: definition.env,
        resourceLimits: definition.resourceLimits,
        init: {
          replicaId: id,
          backend: this.name,
          modulePath: definition.modulePath,
          exportName: definition.exportName,
          className: definition.className,
          initArgs: definition.initArgs,
          hasUserConfig: config.userConfig !== undefined,
          userConfig: config.userConfig,
          maxBatchSize: config.maxBatchSize,
          batchWaitTimeoutMs: config.batchWaitTimeoutMs,
          nice: settings.replicaNice,
        },
      },
      { exited: (r, reason) => this.replicaExited(r, reason), handleCall: settings.handleCall },
    );
    const entry: ReplicaEntry = {
      id,
      replica,
      number,
      inFlight: 0,
      accepting: false,
      state: 'starting',
      lastPong: Date.now(),
      readyAt: 0,
      served: 0,
      site,
    };
    site.starting.add(entry);
    const startTimer = setTimeout(
      () => replica.kill(new Error(messages.slowStart(id, settings.replicaStartTimeoutMs))),
      settings.replicaStartTimeoutMs,
    );
    try {
      await replica.ready;
      await this.catchUp(replica, started);
    } catch (err) {
      this.lastError = (err as Error).message;
      replica.kill(err as Error);
      throw err;
    } finally {
      clearTimeout(startTimer);
      site.starting.delete(entry);
    }
    if (this.stopped || this.draining || site.removed) {
      await replica.stop(settings.replicaStopTimeoutMs);
      throw site.removed && !this.draining
        ? new ServeError('REPLICA_UNAVAILABLE', messages.siteGone(this.name, site.site.name))
        : new ServeError('SHUT_DOWN', messages.shutDown());
    }
    entry.state = 'ready';
    entry.accepting = true;
    entry.lastPong = entry.readyAt = Date.now();
    this.options.scheduler.add(entry);
    this.options.capacityChanged();
    return entry;
  }

  /** Brings a replica that started before a config change up to the current config. */
  private async catchUp(replica: Replica, started: { userConfig: unknown; maxBatchSize: number; waitMs: number }) {
    while (started.userConfig !== this.options.config().userConfig) {
      started.userConfig = this.options.config().userConfig;
      await replica.reconfigure(started.userConfig);
    }
    const config = this.options.config();
    if (started.maxBatchSize !== config.maxBatchSize || started.waitMs !== config.batchWaitTimeoutMs) {
      replica.setBatching(config.maxBatchSize, config.batchWaitTimeoutMs);
    }
  }

  private async retire(entry: ReplicaEntry, graceMs: number): Promise<void> {
    entry.accepting = false;
    entry.state = 'draining';
    if (entry.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        entry.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.options.scheduler.remove(entry);
    entry.state = 'stopped';
    this.options.capacityChanged();
    await entry.replica.stop(this.options.settings.replicaStopTimeoutMs);
  }

  private replicaExited(replica: Replica, reason: Error): void {
    const entry = this.running.find((e) => e.replica === replica);
    if (!entry) return;
    this.options.scheduler.remove(entry);
    entry.state = 'stopped';
    this.lastError = reason.message;
    const site = entry.site;
    site.failures = this.restartPolicy.failuresAfterExit(site.failures, entry.readyAt, Date.now());
    this.options.settings.logger.error(
      `Backend '${this.name}': replica ${entry.id} (host ${site.site.name}) died (${reason.message}); starting a replacement.`,
    );
    this.scheduleReplacement(site);
    this.options.capacityChanged();
  }

  private startFailed(site: SiteState, err: Error): void {
    if (this.draining || this.stopped || site.removed) return;
    site.failures++;
    this.options.settings.logger.error(
      `Backend '${this.name}': a replica on host ${site.site.name} failed to start (${err.message}); retrying with backoff.`,
    );
    this.scheduleReplacement(site);
  }

  private scheduleReplacement(site: SiteState): void {
    const wanted = () =>
      !this.stopped && !this.draining && !site.removed && this.liveCount(site) < this.options.config().numReplicas;
    if (site.timer || !wanted()) return;
    site.timer = setTimeout(() => {
      site.timer = undefined;
      if (!wanted()) return this.options.capacityChanged();
      this.restarts++;
      this.addReplica(site).then(
        () => this.scheduleReplacement(site),
        (err: Error) => {
          this.startFailed(site, err);
          this.options.capacityChanged();
        },
      );
    }, this.restartPolicy.delayMs(site.failures));
    site.timer.unref();
  }
}
