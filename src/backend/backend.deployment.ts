import type { Logger } from '@nestjs/common';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { RemoteOptions, ServeRequest } from '../interfaces/serve-request.interface';
import { RequestQueue } from '../router/request.queue';
import { ReplicaScheduler, type ReplicaSlot } from '../router/replica.scheduler';
import type { Replica, ReplicaSite } from '../replicas/replica.interface';
import { localSite } from '../replicas/replica.factory';
import type { WireOutcome, WireValue } from '../replicas/replica.protocol';
import { decodeError } from '../replicas/result.codec';
import { RETRY_AFTER_SECONDS } from '../serve.constants';
import { ServeError, isServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { BackendSpec } from './backend.spec';
import { waitUntil } from '../utils/wait.util';

/** A request's result as the host sees it. */
export type CallResult = { ok: true; value: WireValue } | { ok: false; error: ServeError };

/** State of one replica, as `listBackends()` shows it. */
export type ReplicaState = 'starting' | 'ready' | 'reconfiguring' | 'draining' | 'stopped';

/** Settings of the module that every deployment uses. */
export interface DeploymentSettings {
  exposeErrors: boolean;
  healthCheckPeriodMs: number;
  healthCheckTimeoutMs: number;
  gracefulShutdownTimeoutMs: number;
  replicaStopTimeoutMs: number;
  replicaStartTimeoutMs: number;
  replicaNice: number;
  logger: Logger;
  /** True while the app's cluster connection is up (for messages). */
  clusterConnected(): boolean;
  handleCall(endpoint: string, payload: unknown, options: RemoteOptions): Promise<WireOutcome>;
}

interface Job {
  method: string;
  request: ServeRequest;
  done: (result: CallResult) => void;
  timer?: NodeJS.Timeout;
  cancelled?: boolean;
  settled?: boolean;
  queued?: boolean;
  retries?: number;
}

/** A place replicas start (this app, or a replica host) and its crash-loop state. */
interface SiteState {
  site: ReplicaSite;
  starting: Set<ReplicaEntry>;
  failures: number;
  timer?: NodeJS.Timeout;
  removed: boolean;
}

interface ReplicaEntry extends ReplicaSlot {
  replica: Replica;
  state: ReplicaState;
  number: number;
  lastPong: number;
  readyAt: number;
  served: number;
  site: SiteState;
  idle?: () => void;
}

/** Requests of a backend by how they ended, since it started. */
export interface RequestCounts {
  succeeded: number;
  failed: number;
  timedOut: number;
  rejected: number;
  replicaLost: number;
}

const MAX_RESTART_DELAY_MS = 10_000;
/** A replica that dies sooner than this after becoming ready counts as a failed start (crash loop). */
const STABLE_AFTER_MS = 5_000;
/** A call that never reached a replica (its remote host had gone) is tried again on another, this often at most. */
const MAX_NOT_STARTED_RETRIES = 3;

/**
 * One backend at run time: its replicas, the scheduler that picks one per request, the bounded
 * FIFO queue in front of them, timeouts, rolling reconfiguration, scaling and crash recovery.
 * Replicas start on sites: this app (placement `local` / `both`) and each replica host that
 * joined (placement `remote` / `both`), `numReplicas` on each; one scheduler covers them all.
 */
export class BackendDeployment {
  private readonly scheduler: ReplicaScheduler<ReplicaEntry>;
  private readonly queue = new RequestQueue<Job>();
  private readonly sites = new Map<string, SiteState>();
  private nextNumber = 1;
  private healthTimer?: NodeJS.Timeout;
  private stopped = false;
  private draining = false;
  private lastError?: string;
  private restarts = 0;
  private readonly counts: RequestCounts = { succeeded: 0, failed: 0, timedOut: 0, rejected: 0, replicaLost: 0 };

  constructor(
    readonly spec: BackendSpec,
    private config: ResolvedBackendConfig,
    private readonly settings: DeploymentSettings,
  ) {
    this.scheduler = new ReplicaScheduler<ReplicaEntry>(config.maxConcurrentQueries);
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
      const local = this.openSite(localSite);
      const results = await Promise.allSettled(
        Array.from({ length: this.config.numReplicas }, () => this.addReplica(local)),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        await this.stop(0);
        throw failed.reason;
      }
    }
    this.healthTimer = setInterval(() => this.checkHealth(), this.settings.healthCheckPeriodMs);
    this.healthTimer.unref();
  }

  /**
   * Sends a request to the least loaded replica, or queues it; `done` is called exactly once.
   * While the backend drains for shutdown, only `internal` calls (a replica's handle calls, part
   * of a request already accepted) are still taken.
   */
  submit(method: string, request: ServeRequest, done: (result: CallResult) => void, internal = false): void {
    const job: Job = { method, request, done };
    if (this.stopped || (this.draining && !internal))
      return this.settle(job, { ok: false, error: new ServeError('SHUT_DOWN', messages.shutDown()) }, 'rejected');
    const slot = this.queue.size === 0 ? this.scheduler.pick() : undefined;
    if (!slot && !this.hasCapacity) return this.settle(job, { ok: false, error: this.noCapacityError() }, 'rejected');
    if (!slot && this.queue.size >= this.config.maxQueuedRequests) {
      const message = this.scheduler.all.length
        ? messages.backendOverloaded(this.name, this.queue.size)
        : messages.noReplicas(this.name);
      return this.settle(
        job,
        { ok: false, error: new ServeError('OVERLOADED', message, { retryAfterSeconds: RETRY_AFTER_SECONDS }) },
        'rejected',
      );
    }
    const timeoutMs = this.config.requestTimeoutMs;
    job.timer = setTimeout(() => this.timeout(job, timeoutMs), timeoutMs);
    if (slot) this.send(slot, job);
    else {
      job.queued = true;
      this.queue.push(job);
    }
  }

  /** Requests waiting in the queue. */
  get queued(): number {
    return this.queue.size;
  }

  /** Requests in flight in the replicas. */
  get inFlight(): number {
    return this.scheduler.inFlight;
  }

  private send(slot: ReplicaEntry, job: Job): void {
    slot.inFlight++;
    slot.replica.call(job.method, job.request, (outcome) => {
      slot.inFlight--;
      if (
        !outcome.ok &&
        outcome.e.notStarted &&
        !job.settled &&
        !this.stopped &&
        (job.retries ?? 0) < MAX_NOT_STARTED_RETRIES
      ) {
        job.retries = (job.retries ?? 0) + 1;
        job.queued = true;
        this.queue.unshift(job);
      } else {
        slot.served++;
        this.complete(job, outcome, slot);
      }
      if (slot.inFlight === 0 && slot.idle) slot.idle();
      this.pump();
    });
  }

  /** True while a replica serves or may soon: one is up, starting, or due to restart. */
  private get hasCapacity(): boolean {
    return (
      this.scheduler.all.some((e) => e.state !== 'draining') ||
      [...this.sites.values()].some((s) => s.starting.size > 0 || s.timer !== undefined)
    );
  }

  private noCapacityError(): ServeError {
    const message =
      this.spec.placement === 'local'
        ? messages.noReplicas(this.name)
        : messages.noRemoteReplica(this.name, this.settings.clusterConnected());
    return new ServeError('REPLICA_UNAVAILABLE', message, { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }

  private pump(): void {
    if (this.queue.size > 0 && !this.hasCapacity) {
      for (const job of this.queue.drain()) this.settle(job, { ok: false, error: this.noCapacityError() }, 'rejected');
    }
    while (this.queue.size > 0) {
      const slot = this.scheduler.pick();
      if (!slot) return;
      const job = this.queue.shift()!;
      job.queued = false;
      this.send(slot, job);
    }
  }

  private complete(job: Job, outcome: WireOutcome, slot: ReplicaEntry): void {
    if (outcome.ok) return this.settle(job, { ok: true, value: outcome.v }, 'succeeded');
    const error = decodeError(outcome.e, this.name, this.settings.exposeErrors);
    if (error.code === 'HANDLER_FAILED') {
      this.settings.logger.error(
        `Backend '${this.name}' replica ${slot.id}: method '${job.method}' threw: ${outcome.e.stack ?? outcome.e.message}`,
      );
    }
    // A replica that died is out of the scheduler before its calls fail; other errors are the handler's.
    this.settle(
      job,
      { ok: false, error },
      slot.state === 'stopped' && error.code === 'REPLICA_UNAVAILABLE' ? 'replicaLost' : 'failed',
    );
  }

  private timeout(job: Job, timeoutMs: number): void {
    if (job.queued) this.queue.cancel(job);
    this.settle(
      job,
      { ok: false, error: new ServeError('TIMEOUT', messages.requestTimeout(this.name, timeoutMs)) },
      'timedOut',
    );
  }

  private settle(job: Job, result: CallResult, outcome: keyof RequestCounts): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    this.counts[outcome]++;
    job.done(result);
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
    this.pump();
  }

  /**
   * Calls `reconfigure(userConfig)` in every replica, one replica at a time while the others
   * serve. If one fails, every replica is given the previous userConfig back and this rejects.
   */
  async reconfigure(userConfig: unknown): Promise<void> {
    const previous = this.config.userConfig;
    this.config.userConfig = userConfig;
    const done: ReplicaEntry[] = [];
    const snapshot = [...this.scheduler.all];
    for (const entry of snapshot) {
      if (entry.state !== 'ready') continue;
      try {
        await this.reconfigureOne(entry, userConfig);
        done.push(entry);
      } catch (err) {
        if (isServeError(err) && err.code === 'REPLICA_UNAVAILABLE') continue;
        this.config.userConfig = previous;
        // Back to the previous config, one replica at a time: those done, the failed one, and
        // replacements that joined (caught up to the new config) meanwhile.
        const joined = this.scheduler.all.filter((e) => !snapshot.includes(e) && e.state === 'ready');
        for (const touched of [...done, entry, ...joined])
          await this.reconfigureOne(touched, previous).catch(() => undefined);
        throw new ServeError(
          'INVALID_CONFIG',
          messages.reconfigureFailed(this.name, entry.id, (err as Error).message),
          { cause: err },
        );
      }
    }
  }

  private async reconfigureOne(entry: ReplicaEntry, userConfig: unknown): Promise<void> {
    entry.accepting = false;
    entry.state = 'reconfiguring';
    try {
      await entry.replica.reconfigure(userConfig);
    } finally {
      if (entry.state === 'reconfiguring') {
        entry.state = 'ready';
        entry.accepting = true;
        this.pump();
      }
    }
  }

  /**
   * Starts or drains replicas until `numReplicas` run on every site; scale-down removes the
   * newest first. If a site cannot scale up, every site goes back to the previous number.
   */
  async scale(numReplicas: number): Promise<void> {
    const previous = this.config.numReplicas;
    this.config.numReplicas = numReplicas;
    const sites = [...this.sites.values()];
    const results = await Promise.allSettled(sites.map((site) => this.scaleSite(site, numReplicas)));
    // A replica host that left meanwhile is no reason to undo the others.
    const failed = results.find((r, i): r is PromiseRejectedResult => r.status === 'rejected' && !sites[i].removed);
    if (failed) {
      this.config.numReplicas = previous;
      await Promise.allSettled([...this.sites.values()].map((site) => this.scaleSite(site, previous)));
      throw failed.reason;
    }
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
      await Promise.all(
        newestFirst.slice(0, live - numReplicas).map((e) => this.retire(e, this.settings.gracefulShutdownTimeoutMs)),
      );
    }
  }

  /** A replica host joined that can run this backend: start `numReplicas` there. */
  addSite(site: ReplicaSite): void {
    if (this.spec.placement === 'local' || this.stopped || this.draining || this.sites.has(site.id)) return;
    const state = this.openSite(site);
    for (let i = 0; i < this.config.numReplicas; i++) {
      this.addReplica(state).catch((err: Error) => this.startFailed(state, err));
    }
  }

  /**
   * A replica host left. If it drains (`graceful`), its replicas finish what they run and stop;
   * otherwise they are dropped at once: their requests in flight answer 503, queued ones go to
   * the other replicas (or answer 503 at once when none is left).
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
    // Also replicas still draining from an earlier graceful removal: the host died meanwhile.
    const entries = this.scheduler.all.filter((e) => e.site.site.id === id);
    if (!state && entries.length === 0) return;
    if (graceful) {
      await Promise.all(
        entries
          .filter((e) => e.state !== 'draining')
          .map((e) => this.retire(e, this.settings.gracefulShutdownTimeoutMs)),
      );
      return;
    }
    for (const entry of entries) {
      this.scheduler.remove(entry);
      entry.state = 'stopped';
      entry.replica.kill(new Error(reason));
    }
    this.lastError = reason;
    this.pump();
  }

  private openSite(site: ReplicaSite): SiteState {
    const state: SiteState = { site, starting: new Set(), failures: 0, removed: false };
    this.sites.set(site.id, state);
    return state;
  }

  private entriesOf(site: SiteState): ReplicaEntry[] {
    return this.scheduler.all.filter((e) => e.site === site);
  }

  private async addReplica(site: SiteState): Promise<ReplicaEntry> {
    const number = this.nextNumber++;
    const id = `${this.name}#${number}`;
    const started = {
      userConfig: this.config.userConfig,
      maxBatchSize: this.config.maxBatchSize,
      waitMs: this.config.batchWaitTimeoutMs,
    };
    const replica = site.site.start(
      {
        kind: this.spec.kind,
        env: this.spec.env,
        resourceLimits: this.spec.resourceLimits,
        init: {
          replicaId: id,
          backend: this.name,
          modulePath: this.spec.modulePath,
          exportName: this.spec.exportName,
          className: this.spec.className,
          initArgs: this.spec.initArgs,
          hasUserConfig: this.config.userConfig !== undefined,
          userConfig: this.config.userConfig,
          maxBatchSize: this.config.maxBatchSize,
          batchWaitTimeoutMs: this.config.batchWaitTimeoutMs,
          nice: this.settings.replicaNice,
        },
      },
      { exited: (r, reason) => this.replicaExited(r, reason), handleCall: this.settings.handleCall },
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
      () => replica.kill(new Error(messages.slowStart(id, this.settings.replicaStartTimeoutMs))),
      this.settings.replicaStartTimeoutMs,
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
      await replica.stop(this.settings.replicaStopTimeoutMs);
      throw site.removed && !this.draining
        ? new ServeError('REPLICA_UNAVAILABLE', messages.siteGone(this.name, site.site.name))
        : new ServeError('SHUT_DOWN', messages.shutDown());
    }
    entry.state = 'ready';
    entry.accepting = true;
    entry.lastPong = entry.readyAt = Date.now();
    this.scheduler.add(entry);
    this.pump();
    return entry;
  }

  /** Brings a replica that started before a config change up to the current config. */
  private async catchUp(
    replica: Replica,
    started: { userConfig: unknown; maxBatchSize: number; waitMs: number },
  ): Promise<void> {
    while (started.userConfig !== this.config.userConfig) {
      started.userConfig = this.config.userConfig;
      await replica.reconfigure(started.userConfig);
    }
    if (started.maxBatchSize !== this.config.maxBatchSize || started.waitMs !== this.config.batchWaitTimeoutMs) {
      replica.setBatching(this.config.maxBatchSize, this.config.batchWaitTimeoutMs);
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
    this.scheduler.remove(entry);
    entry.state = 'stopped';
    this.pump();
    await entry.replica.stop(this.settings.replicaStopTimeoutMs);
  }

  private replicaExited(replica: Replica, reason: Error): void {
    const entry = this.scheduler.all.find((e) => e.replica === replica);
    if (!entry) return;
    this.scheduler.remove(entry);
    entry.state = 'stopped';
    this.lastError = reason.message;
    const site = entry.site;
    site.failures = Date.now() - entry.readyAt < STABLE_AFTER_MS ? site.failures + 1 : 0;
    this.settings.logger.error(
      `Backend '${this.name}': replica ${entry.id} (host ${site.site.name}) died (${reason.message}); starting a replacement.`,
    );
    this.scheduleReplacement(site);
    this.pump();
  }

  /** Replicas of a site serving or starting, not those draining away. */
  private liveCount(site: SiteState): number {
    return this.entriesOf(site).filter((e) => e.state !== 'draining').length + site.starting.size;
  }

  private startFailed(site: SiteState, err: Error): void {
    if (this.draining || this.stopped || site.removed) return;
    site.failures++;
    this.settings.logger.error(
      `Backend '${this.name}': a replica on host ${site.site.name} failed to start (${err.message}); retrying with backoff.`,
    );
    this.scheduleReplacement(site);
  }

  private scheduleReplacement(site: SiteState): void {
    const wanted = () =>
      !this.stopped && !this.draining && !site.removed && this.liveCount(site) < this.config.numReplicas;
    if (site.timer || !wanted()) return;
    const delay = site.failures === 0 ? 0 : Math.min(100 * 2 ** site.failures, MAX_RESTART_DELAY_MS);
    site.timer = setTimeout(() => {
      site.timer = undefined;
      if (!wanted()) return this.pump();
      this.restarts++;
      this.addReplica(site).then(
        () => this.scheduleReplacement(site),
        (err: Error) => {
          this.startFailed(site, err);
          this.pump();
        },
      );
    }, delay);
    site.timer.unref();
  }

  private checkHealth(): void {
    const now = Date.now();
    for (const entry of this.scheduler.all) {
      if (entry.state === 'stopped') continue;
      if (now - entry.lastPong > this.settings.healthCheckTimeoutMs) {
        const error = new Error(messages.stuckReplica(entry.id, this.settings.healthCheckTimeoutMs));
        this.settings.logger.error(error.message);
        entry.replica.kill(error);
        continue;
      }
      entry.replica.ping().then(
        () => (entry.lastPong = Date.now()),
        () => undefined,
      );
    }
  }

  /** Takes only internal calls from now on and starts no more replicas. */
  beginDrain(): void {
    this.draining = true;
    for (const site of this.sites.values()) {
      clearTimeout(site.timer);
      site.timer = undefined;
      for (const entry of site.starting) entry.replica.kill(new ServeError('SHUT_DOWN', messages.shutDown()));
    }
  }

  /** True when nothing is queued or in flight (or no replica is left to finish anything). */
  get idle(): boolean {
    return (this.queue.size === 0 && this.scheduler.inFlight === 0) || this.scheduler.all.length === 0;
  }

  /**
   * Stops taking requests, lets those in flight and queued finish within `graceMs`, answers the
   * rest 503, then stops every replica (killing those that do not exit in time).
   */
  async stop(graceMs: number): Promise<void> {
    this.beginDrain();
    await waitUntil(() => this.idle, graceMs);
    this.stopped = true;
    clearInterval(this.healthTimer);
    for (const job of this.queue.drain()) {
      this.settle(job, { ok: false, error: new ServeError('SHUT_DOWN', messages.shutDown()) }, 'rejected');
    }
    const entries = [...this.scheduler.all];
    await Promise.all(entries.map((e) => this.retire(e, 0)));
  }

  /** Config and state, as `listBackends()` shows them. */
  describe(): Record<string, unknown> {
    const sites = [...this.sites.values()];
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
      queued: this.queue.size,
      inFlight: this.scheduler.inFlight,
      requests: { ...this.counts },
      restarts: this.restarts,
      consecutiveFailures: Math.max(0, ...sites.map((s) => s.failures)),
      lastError: this.lastError,
      hosts: sites.map((s) => s.site.name),
      replicas: [...this.scheduler.all, ...sites.flatMap((s) => [...s.starting])].map((e) => ({
        id: e.id,
        host: e.site.site.name,
        replica: e.replica.kind,
        state: e.state,
        inFlight: e.inFlight,
        served: e.served,
      })),
    };
  }
}
