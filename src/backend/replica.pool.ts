import type { Logger } from '@nestjs/common';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { Replica, ReplicaSite } from '../replicas/replica.interface';
import type { ReplicaScheduler } from '../router/replica.scheduler';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { BackendDefinition } from './backend.definition';
import type { BackendSignals } from './backend.signals';
import { ReplicaLifecycle, type LifecycleSettings, type ReplicaEntry, type SiteState } from './replica.lifecycle';
import { ReplacementScheduler } from './replacement.scheduler';
import { ReplicaScaler } from './replica.scaler';
import type { RestartPolicy } from './restart.policy';

/** Settings of the module that a pool uses. */
export interface PoolSettings extends LifecycleSettings {
  readonly gracefulShutdownTimeoutMs: number;
  readonly logger: Logger;
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
  /** Hears of replicas started, failed, died and stopped (events, log lines, the backend's state). */
  readonly signals?: BackendSignals;
}

/**
 * A backend's replicas across sites (this app, replica hosts): starts them (with a timeout, then
 * catching up with a config changed meanwhile), retires them (drain, then stop), replaces those
 * that exit (with backoff), scales each site to `numReplicas`, and drops a site's replicas when
 * the site goes. Tells the router through one callback when capacity changed.
 */
export class ReplicaPool {
  private readonly sites = new Map<string, SiteState>();
  private readonly replacements: ReplacementScheduler;
  private readonly lifecycle: ReplicaLifecycle;
  private readonly scaler: ReplicaScaler;
  private nextNumber = 1;
  private draining = false;
  private stopped = false;
  /** Why the last replica died or failed to start. */
  lastError?: string;

  /** Replacement replicas started. */
  get restarts(): number {
    return this.replacements.restarts;
  }

  constructor(private readonly options: PoolOptions) {
    this.replacements = new ReplacementScheduler(
      {
        name: options.definition.name,
        wanted: (site) =>
          !this.stopped && !this.draining && !site.removed && this.liveCount(site) < options.config().numReplicas,
        start: (site) => this.addReplica(site).catch((err: Error) => this.scaler.rethrowUnlessCancel(err)),
        capacityChanged: () => options.capacityChanged(),
      },
      options.settings.logger,
      options.restartPolicy,
    );
    this.lifecycle = new ReplicaLifecycle(options.definition, options.config, options.settings, options.scheduler, {
      exited: (r, reason) => this.replicaExited(r, reason),
      stopped: (entry) => options.signals?.replicaStopped(entry),
      capacityChanged: () => options.capacityChanged(),
    });
    this.scaler = new ReplicaScaler({
      name: options.definition.name,
      config: options.config,
      sites: () => this.siteStates,
      serving: (site) => this.entriesOf(site).filter((e) => e.state !== 'draining'),
      start: (site) => this.addReplica(site),
      retire: (entry) => this.lifecycle.retire(entry, options.settings.gracefulShutdownTimeoutMs),
    });
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
      this.addReplica(state).catch((err: Error) => this.scaler.isCancel(err) || this.startFailed(state, err));
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
      await Promise.all(live.map((e) => this.lifecycle.retire(e, this.options.settings.gracefulShutdownTimeoutMs)));
      return;
    }
    for (const entry of entries) {
      this.options.scheduler.remove(entry);
      entry.state = 'stopped';
      entry.replica.kill(new Error(reason));
      this.options.signals?.replicaDied(entry, reason);
    }
    this.lastError = reason;
    this.options.capacityChanged();
  }

  /**
   * Starts or drains replicas until `numReplicas` run on every site. Scale-down first cancels
   * replicas still starting (newest first), then drains ready ones (newest first), so a backend
   * keeps the replicas that serve. If a site cannot scale up, every site goes back to the
   * previous number.
   */
  async scale(numReplicas: number): Promise<void> {
    return this.scaler.scale(numReplicas);
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
    await Promise.all([...this.running].map((e) => this.lifecycle.retire(e, 0)));
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
    let entry: ReplicaEntry;
    const number = this.nextNumber++;
    try {
      entry = await this.lifecycle.launch(site, number);
    } catch (err) {
      if (this.scaler.cancelledStart(number, err as Error)) throw err;
      // The replica's own error, when it sent one: its message without our prefix, its stack with the backend's frames.
      const { cause } = err as Error;
      const own = cause instanceof Error ? cause : undefined;
      this.lastError = own?.message ?? (err as Error).message;
      if (!this.draining)
        this.options.signals?.replicaStartFailed(`${this.name}#${number}`, this.lastError, own?.stack);
      throw err;
    }
    const { replica } = entry;
    const { settings } = this.options;
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
    this.options.signals?.replicaStarted(entry);
    this.options.capacityChanged();
    return entry;
  }

  private replicaExited(replica: Replica, reason: Error): void {
    const entry = this.running.find((e) => e.replica === replica);
    if (!entry) return;
    this.options.scheduler.remove(entry);
    entry.state = 'stopped';
    this.lastError = reason.message;
    this.options.signals?.replicaDied(entry, reason.message);
    this.replacements.exited(entry.site, entry.id, entry.readyAt, reason);
    this.options.capacityChanged();
  }

  private startFailed(site: SiteState, err: Error): void {
    if (this.draining || this.stopped || site.removed) return;
    this.replacements.startFailed(site, err);
  }
}
