import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { Replica, ReplicaEvents, ReplicaSite } from '../replicas/replica.interface';
import type { ReplicaScheduler, ReplicaSlot } from '../router/replica.scheduler';
import { messages } from '../serve.messages';
import type { BackendDefinition } from './backend.definition';
import type { ReplicaState } from './backend.status';
import { budgetEnv } from '../router/cpu.budget';
import type { ReplicaVitals } from '../interfaces/serve-status.interface';

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
  /** Memory and event-loop use it last reported with a pong. */
  vitals?: ReplicaVitals;
  /** Called when its last request in flight finished (set while it drains). */
  idle?: () => void;
}

/** Settings of the module that starting and stopping a replica use. */
export interface LifecycleSettings {
  readonly replicaStartTimeoutMs: number;
  readonly replicaStopTimeoutMs: number;
  readonly replicaNice: number;
  readonly handleCall: ReplicaEvents['handleCall'];
  readonly handleStream: ReplicaEvents['handleStream'];
}

/**
 * One replica's start and end. {@link launch} sends the definition and the current config to a
 * site, kills the replica if it is not ready within `replicaStartTimeoutMs`, and brings it up to
 * a config that changed while it started. {@link retire} drains it, then stops it.
 */
export class ReplicaLifecycle {
  constructor(
    private readonly definition: BackendDefinition,
    private readonly config: () => ResolvedBackendConfig,
    private readonly settings: LifecycleSettings,
    private readonly scheduler: ReplicaScheduler<ReplicaEntry>,
    private readonly events: {
      exited: ReplicaEvents['exited'];
      capacityChanged(): void;
      /** A replica was retired (stopped on purpose). */
      stopped?(entry: ReplicaEntry): void;
    },
  ) {}

  /** Starts replica `number` on `site`; resolves with its entry (still `starting`) once ready and caught up. */
  async launch(site: SiteState, number: number): Promise<ReplicaEntry> {
    const { definition, settings } = this;
    const config = this.config();
    const id = `${definition.name}#${number}`;
    const started = {
      userConfig: config.userConfig,
      maxBatchSize: config.maxBatchSize,
      waitMs: config.batchWaitTimeoutMs,
      max: config.maxConcurrentQueries,
    };
    const replica = site.site.start(
      {
        kind: definition.kind,
        env: budgetEnv(definition.kind, config.cpusPerReplica, definition.env),
        resourceLimits: definition.resourceLimits,
        maxConcurrentQueries: config.maxConcurrentQueries,
        init: {
          replicaId: id,
          backend: definition.name,
          modulePath: definition.modulePath,
          exportName: definition.exportName,
          className: definition.className,
          codeVersion: definition.codeVersion,
          initArgs: definition.initArgs,
          hasUserConfig: config.userConfig !== undefined,
          userConfig: config.userConfig,
          maxBatchSize: config.maxBatchSize,
          batchWaitTimeoutMs: config.batchWaitTimeoutMs,
          nice: settings.replicaNice,
          cpus: config.cpusPerReplica,
        },
      },
      {
        exited: this.events.exited,
        handleCall: settings.handleCall,
        handleStream: settings.handleStream,
        models: (r, report) => {
          const entry = this.scheduler.all.find((e) => e.replica === r);
          if (entry) this.scheduler.finished(entry, undefined, report);
        },
      },
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
      replica.kill(err as Error);
      throw err;
    } finally {
      clearTimeout(startTimer);
      site.starting.delete(entry);
    }
    return entry;
  }

  /**
   * Takes the replica out of rotation, waits up to `graceMs` for its requests in flight, then
   * removes it and stops it.
   */
  async retire(entry: ReplicaEntry, graceMs: number): Promise<void> {
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
    this.events.capacityChanged();
    await entry.replica.stop(this.settings.replicaStopTimeoutMs);
    this.events.stopped?.(entry);
  }

  /** Brings a replica that started before a config change up to the current config. */
  private async catchUp(
    replica: Replica,
    started: { userConfig: unknown; maxBatchSize: number; waitMs: number; max: number },
  ) {
    while (started.userConfig !== this.config().userConfig) {
      started.userConfig = this.config().userConfig;
      await replica.reconfigure(started.userConfig);
    }
    const config = this.config();
    const { maxBatchSize, batchWaitTimeoutMs: waitMs, maxConcurrentQueries: max } = config;
    if (started.maxBatchSize !== maxBatchSize || started.waitMs !== waitMs || started.max !== max) {
      replica.setBatching(maxBatchSize, waitMs, max);
    }
  }
}
