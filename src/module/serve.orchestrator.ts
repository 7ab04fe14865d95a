import { Inject, Injectable, Logger } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import type { BackendDefinition } from '../backend/backend.definition';
import { BackendDeployment, type DeploymentSettings } from '../backend/backend.deployment';
import type { AutoscalingDelegate } from '../backend/autoscaling.delegate';
import { cpuOverrun, localCpuShares, type BudgetedBackend } from '../router/cpu.budget';
import { ClusterMembership, type RemoteAgent } from '../cluster/cluster.membership';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { encodeCallResult } from '../replicas/result.codec';
import { ServeStream } from '../replicas/serve.stream';
import { wholeValue } from './serve.handle';
import { DEFAULT_MODULE_OPTIONS, SERVE_OPTIONS } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { budgetMessages, messages } from '../serve.messages';
import { stripUndefined } from '../utils/object.util';
import { waitUntil } from '../utils/wait.util';
import { ServeSignals } from '../signals/serve.signals';
import { assertPlainJson, validatePlacement } from '../options/config.validator';
import type { Declarations } from './serve.declarations';
import { ServeDispatcher } from './serve.dispatcher';
import { ServeRegistry } from './serve.registry';

/**
 * The cluster's NATS connection, opaque here: its type belongs to the optional peer
 * `@nats-io/transport-node`, which an app without `cluster` need not install (nor type-check against).
 */
export type ClusterConnection = object;

/**
 * Runs what `ServeService` decides: launches deployments (and registers them once ready), stops
 * deleted ones, starts the declared backends and endpoints, shuts everything down with the app,
 * and tells deployments when replica hosts join or leave. Replicas' handle calls go from here
 * straight to the dispatcher.
 */
@Injectable()
export class ServeOrchestrator {
  private readonly logger = new Logger('nestjs-serve');
  private readonly settings: DeploymentSettings;
  private readonly cluster?: ClusterMembership;
  private readonly launching = new Map<BackendDeployment, Promise<void>>();
  private readonly deleting = new Set<BackendDeployment>();
  private stopping?: Promise<void>;
  private firstAttempt?: Promise<void>;
  private readonly connectionListeners: ((nc: ClusterConnection, fresh: boolean) => void)[] = [];

  constructor(
    private readonly registry: ServeRegistry,
    dispatcher: ServeDispatcher,
    @Inject(SERVE_OPTIONS) options: ServeModuleOptions,
    signals: ServeSignals,
  ) {
    const resolved = { ...DEFAULT_MODULE_OPTIONS, ...stripUndefined(options) };
    this.settings = {
      exposeErrors: resolved.exposeErrors,
      healthCheckPeriodMs: resolved.healthCheckPeriodMs,
      healthCheckTimeoutMs: resolved.healthCheckTimeoutMs,
      gracefulShutdownTimeoutMs: resolved.gracefulShutdownTimeoutMs,
      replicaStopTimeoutMs: resolved.replicaStopTimeoutMs,
      replicaStartTimeoutMs: resolved.replicaStartTimeoutMs,
      replicaNice: resolved.replicaNice,
      logger: this.logger,
      signals,
      clusterConnected: () => this.cluster?.connected ?? false,
      handleCall: async (endpoint, payload, opts) => {
        const result = await dispatcher.dispatchByName(endpoint, payload, opts, true);
        if (!result.ok || !ServeStream.is(result.value)) return encodeCallResult(result);
        return wholeValue(result).then(
          (value) => encodeCallResult({ ok: true, value }),
          (error: ServeError) => encodeCallResult({ ok: false, error }),
        );
      },
      handleStream: async (endpoint, payload, opts) => {
        const result = await dispatcher.dispatchByName(endpoint, payload, opts, true);
        return result.ok && ServeStream.is(result.value) ? result.value : encodeCallResult(result);
      },
    };
    if (resolved.cluster) {
      this.cluster = new ClusterMembership(resolved.cluster, {
        joined: (agent) => {
          for (const deployment of this.deployments())
            if (this.runsOn(deployment, agent)) deployment.addSite(agent.site);
        },
        left: (agent, reason, graceful) => {
          const why = graceful ? reason : messages.agentLost(agent.announcement.name, reason);
          for (const deployment of this.deployments()) void deployment.removeSite(agent.site.id, why, graceful);
        },
        log: (level, message) => this.logger[level](message),
        connected: (nc, fresh) => this.connectionListeners.forEach((listener) => listener(nc, fresh)),
      });
    }
  }

  /** True when the app was configured with a cluster. */
  get clustered(): boolean {
    return this.cluster !== undefined;
  }

  /** This instance's id in the cluster (replica hosts and the fleet know it by it). */
  get instanceId(): string | undefined {
    return this.cluster?.appId;
  }

  /** Every backend's autoscaling defers to `delegate` while it is active (the fleet, once shared). */
  delegateAutoscaling(delegate: AutoscalingDelegate): void {
    this.settings.autoscaling = delegate;
  }

  /** Calls `listener` each time NATS comes up: a new connection (`fresh`) or a reconnect. */
  onConnection(listener: (nc: ClusterConnection, fresh: boolean) => void): void {
    this.connectionListeners.push(listener);
  }

  /** Resolves with the NATS connection once the first attempt to connect settled (at most `ms`), if connected. */
  async firstConnection(ms: number): Promise<ClusterConnection | undefined> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.firstAttempt, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    return this.cluster?.connected ? this.cluster.nc : undefined;
  }

  /** Starts the backends and endpoints declared to `forRoot()`, and joins the cluster if there is one. */
  async declare(declarations: Declarations): Promise<void> {
    this.firstAttempt = this.cluster?.start();
    this.warnIfOverCores(declarations.backends.map(({ spec, config }) => ({ ...spec, config })));
    const started = await Promise.allSettled(
      declarations.backends.map(({ spec, config }) => this.launch(spec, config)),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.shutdown();
      throw failed.reason;
    }
    for (const e of declarations.endpoints)
      this.registry.putEndpoint(e.name, e.route, e.methods, e.traffic, {}, e.stream);
  }

  /** Starts a deployment and registers it once every local replica is ready. */
  async launch(spec: BackendDefinition, config: ResolvedBackendConfig): Promise<void> {
    if (config.userConfig !== undefined) assertPlainJson(`Backend '${spec.name}'`, config.userConfig);
    validatePlacement(spec, this.cluster !== undefined);
    if (spec.kind === 'thread' && spec.env && Object.keys(spec.env).length)
      this.logger.warn(budgetMessages.threadEnv(spec.name, Object.keys(spec.env)));
    const deployment = new BackendDeployment(spec, config, this.settings);
    const started = deployment.start();
    for (const agent of this.cluster?.known ?? []) if (this.runsOn(deployment, agent)) deployment.addSite(agent.site);
    this.launching.set(deployment, started);
    try {
      await started;
    } finally {
      this.launching.delete(deployment);
    }
    if (this.registry.closed) {
      await deployment.stop(0);
      throw new ServeError('SHUT_DOWN', messages.shutDown());
    }
    this.registry.backends.set(spec.name, deployment);
  }

  /**
   * Runs a change of the service; if it raised the local replicas' CPU budgets (a backend created,
   * scaled up, or its `autoscaling.maxReplicas` raised) past the machine's cores, warns. Never refuses.
   */
  async watchCpus<T>(change: () => Promise<T>): Promise<T> {
    const before = localCpuShares(this.budgeted()).reduce((sum, share) => sum + share.cpus, 0);
    const result = await change();
    this.warnIfOverCores(this.budgeted(), before);
    return result;
  }

  private budgeted(): BudgetedBackend[] {
    return [...this.registry.backends.values()].map((d) => ({ ...d.spec, config: d.getConfig() }));
  }

  private warnIfOverCores(backends: BudgetedBackend[], previousTotal = 0): void {
    const overrun = cpuOverrun(localCpuShares(backends), availableParallelism(), previousTotal);
    if (overrun) this.logger.warn(budgetMessages.coresOverrun(overrun.total, overrun.cores, overrun.shares));
  }

  /** Drains and stops a deployment the registry no longer holds; it still hears of replica hosts meanwhile. */
  async retire(deployment: BackendDeployment): Promise<void> {
    this.deleting.add(deployment);
    try {
      await deployment.stop(this.settings.gracefulShutdownTimeoutMs);
    } finally {
      this.deleting.delete(deployment);
    }
  }

  /** Drains requests in flight, then stops every replica; later calls are refused. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.registry.closed = true;
      for (const starting of this.launching.keys()) starting.beginDrain();
      await Promise.allSettled(this.launching.values());
      const backends = [...this.registry.backends.values()];
      // A request in flight in one backend may still call others: drain all before stopping any.
      for (const backend of backends) backend.beginDrain();
      await waitUntil(() => backends.every((b) => b.idle), this.settings.gracefulShutdownTimeoutMs);
      await Promise.all(backends.map((b) => b.stop(0)));
      await this.cluster?.close();
    })();
    return this.stopping;
  }

  /** Every deployment a replica host event concerns: running, starting, or stopping. */
  private deployments(): BackendDeployment[] {
    return [...this.registry.backends.values(), ...this.launching.keys(), ...this.deleting];
  }

  private runsOn(deployment: BackendDeployment, agent: RemoteAgent): boolean {
    return deployment.spec.placement !== 'local' && agent.serves(deployment.spec.className);
  }
}
