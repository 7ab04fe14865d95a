import { Inject, Injectable, Logger, type Type } from '@nestjs/common';
import type { BackendConfig, BackendOptions, ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { CreateEndpointOptions } from '../interfaces/endpoint-options.interface';
import type { ServeHandle } from '../interfaces/serve-request.interface';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { getBackendMetadata } from '../decorators/backend.metadata';
import { encodeResult } from '../replicas/result.codec';
import type { WireOutcome } from '../replicas/replica.protocol';
import { DEFAULT_MODULE_OPTIONS, SERVE_OPTIONS } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { waitUntil } from '../utils/wait.util';
import { BackendDeployment, type DeploymentSettings } from '../backend/backend.deployment';
import type { BackendStatus } from '../backend/backend.status';
import { buildBackendDefinition, methodForEndpoint, type BackendDefinition } from '../backend/backend.definition';
import {
  assertPlainJson,
  validateBackendConfig,
  validateMethods,
  validatePlacement,
  validateRoute,
} from './config.validator';
import { ClusterMembership, type RemoteAgent } from '../cluster/cluster.membership';
import { resolveConfig, type Declarations } from './serve.declarations';
import { ServeDispatcher } from './serve.dispatcher';
import { createHostHandle } from './serve.handle';
import { ServeRegistry } from './serve.registry';
import { stripUndefined } from '../utils/object.util';

/** What `listEndpoints()` shows of one endpoint. */
export interface EndpointInfo {
  route: string;
  methods: string[];
  traffic: Record<string, number>;
  shadows: Record<string, number>;
}

const WEIGHT_TOLERANCE = 1e-6;

/**
 * Changes backends, endpoints, traffic and user config while the app serves. Every mutating
 * call is checked first and rejected with a ServeError (nothing changed) when invalid; it
 * resolves once the change is in effect everywhere. Calls run one at a time, in call order.
 */
@Injectable()
export class ServeService {
  private readonly logger = new Logger('nestjs-serve');
  private readonly settings: DeploymentSettings;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly cluster?: ClusterMembership;

  constructor(
    private readonly registry: ServeRegistry,
    private readonly dispatcher: ServeDispatcher,
    @Inject(SERVE_OPTIONS) options: ServeModuleOptions,
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
      clusterConnected: () => this.cluster?.connected ?? false,
      handleCall: (endpoint, payload, opts) => this.handleCall(endpoint, payload, opts),
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
      });
    }
  }

  /** Every deployment a replica host event concerns: running, starting, or stopping. */
  private deployments(): BackendDeployment[] {
    return [...this.registry.backends.values(), ...this.launching.keys(), ...this.deleting];
  }

  private readonly deleting = new Set<BackendDeployment>();

  private runsOn(deployment: BackendDeployment, agent: RemoteAgent): boolean {
    return deployment.spec.placement !== 'local' && agent.serves(deployment.spec.className);
  }

  /** Starts a backend from a `@Backend()` class; `config` overrides the decorator's options. */
  createBackend(
    name: string,
    backendClass: Type<unknown>,
    config: BackendConfig & Omit<BackendOptions, 'name'> = {},
  ): Promise<void> {
    return this.exclusive(async () => {
      const subject = `createBackend('${name}')`;
      if (typeof name !== 'string' || !name.trim())
        throw new ServeError('INVALID_CONFIG', messages.invalidOption(subject, 'name', name, 'a non-empty string'));
      if (this.registry.backends.has(name)) throw new ServeError('CONFLICT', messages.duplicateBackend(name));
      validateBackendConfig(subject, config, true);
      const spec = buildBackendDefinition(backendClass, name, config);
      await this.launch(spec, resolveConfig({ ...getBackendMetadata(backendClass), ...stripUndefined(config) }));
    });
  }

  /** Drains and stops a backend. Rejects while an endpoint names it in its traffic or shadows. */
  deleteBackend(name: string): Promise<void> {
    return this.exclusive(async () => {
      const backend = this.registry.backend(name);
      const users = this.registry.endpointsUsing(name);
      if (users.length) throw new ServeError('CONFLICT', messages.backendInUse(name, users));
      this.registry.backends.delete(name);
      this.deleting.add(backend);
      try {
        await backend.stop(this.settings.gracefulShutdownTimeoutMs);
      } finally {
        this.deleting.delete(backend);
      }
    });
  }

  /**
   * Changes some of a backend's config. `userConfig` is applied to every replica in turn (no
   * restart); `numReplicas` scales up or down (draining removed replicas first); the limits
   * apply to new requests at once.
   */
  updateBackendConfig(name: string, partialConfig: BackendConfig): Promise<void> {
    return this.exclusive(async () => {
      const backend = this.registry.backend(name);
      validateBackendConfig(`updateBackendConfig('${name}')`, partialConfig);
      const previous = backend.getConfig();
      const next = resolveConfig({ ...previous, ...stripUndefined(partialConfig) });
      const scaled = next.numReplicas !== previous.numReplicas;
      // Scale first (a failed scale-up undoes itself), then the rolling reconfigure (a failed one
      // undoes itself too), so a rejected update never leaves part of itself behind.
      if (scaled) await backend.scale(next.numReplicas);
      if ('userConfig' in partialConfig && partialConfig.userConfig !== undefined) {
        try {
          await backend.reconfigure(structuredClone(partialConfig.userConfig));
        } catch (err) {
          if (scaled) await backend.scale(previous.numReplicas).catch(() => undefined);
          throw err;
        }
      }
      backend.applyLimits(next);
    });
  }

  /** The backend's current config. */
  getBackendConfig(name: string): ResolvedBackendConfig {
    return this.registry.backend(name).getConfig();
  }

  /** Every backend with its config and state. */
  listBackends(): Record<string, BackendStatus> {
    return Object.fromEntries([...this.registry.backends].map(([name, backend]) => [name, backend.describe()]));
  }

  /** Binds a route to a backend: a new endpoint with all its traffic on that backend. */
  createEndpoint(name: string, options: CreateEndpointOptions): Promise<void> {
    return this.exclusive(async () => {
      const subject = `createEndpoint('${name}')`;
      if (typeof name !== 'string' || !name.trim())
        throw new ServeError('INVALID_CONFIG', messages.invalidOption(subject, 'name', name, 'a non-empty string'));
      if (this.registry.endpoints.has(name)) throw new ServeError('CONFLICT', messages.duplicateEndpoint(name));
      validateRoute(subject, options?.route);
      const methods = options.methods ?? ['GET'];
      validateMethods(subject, methods);
      const owner = this.registry.routeOwner(options.route);
      if (owner) throw new ServeError('CONFLICT', messages.routeTaken(options.route, owner.name, name));
      this.assertServes(options.backend, name);
      this.registry.putEndpoint(name, options.route, methods, { [options.backend]: 1 }, {});
    });
  }

  /** Removes an endpoint and its route; requests in flight finish. */
  deleteEndpoint(name: string): Promise<void> {
    return this.exclusive(async () => {
      this.registry.endpoint(name);
      this.registry.deleteEndpoint(name);
    });
  }

  /**
   * Sets the split of an endpoint's traffic: weights are >= 0, sum to 1 and name existing
   * backends. Shadows are kept.
   */
  setTraffic(endpoint: string, traffic: Record<string, number>): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.registry.endpoint(endpoint);
      if (typeof traffic !== 'object' || traffic === null || Object.keys(traffic).length === 0) {
        throw new ServeError('INVALID_CONFIG', messages.trafficEmpty(endpoint));
      }
      for (const [backend, weight] of Object.entries(traffic)) {
        if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
          throw new ServeError('INVALID_CONFIG', messages.trafficWeight(endpoint, backend, weight));
        }
        this.assertServes(backend, endpoint);
      }
      const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > WEIGHT_TOLERANCE)
        throw new ServeError('INVALID_CONFIG', messages.trafficSum(endpoint, sum));
      this.registry.putEndpoint(endpoint, entry.route, entry.methods, traffic, entry.policy.shadows);
    });
  }

  /** Sends a share `proportion` (0..1) of the endpoint's requests to `backend` too; 0 removes it. */
  shadowTraffic(endpoint: string, backend: string, proportion: number): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.registry.endpoint(endpoint);
      if (typeof proportion !== 'number' || !(proportion >= 0 && proportion <= 1)) {
        throw new ServeError('INVALID_CONFIG', messages.shadowProportion(endpoint, backend, proportion));
      }
      this.assertServes(backend, endpoint);
      const shadows = { ...entry.policy.shadows };
      if (proportion === 0) delete shadows[backend];
      else shadows[backend] = proportion;
      this.registry.putEndpoint(endpoint, entry.route, entry.methods, entry.policy.traffic, shadows);
    });
  }

  /** Every endpoint with its route, methods, traffic and shadows. */
  listEndpoints(): Record<string, EndpointInfo> {
    return Object.fromEntries(
      [...this.registry.endpoints].map(([name, e]) => [
        name,
        { route: e.route, methods: [...e.methods], traffic: { ...e.policy.traffic }, shadows: { ...e.policy.shadows } },
      ]),
    );
  }

  /** A handle that calls `endpoint` through its traffic policy, without HTTP. */
  getHandle(endpoint: string): ServeHandle {
    this.registry.endpoint(endpoint);
    return createHostHandle(this.dispatcher, endpoint);
  }

  /** @internal Starts the backends and endpoints declared to `forRoot()`, and joins the cluster if there is one. */
  async declare(declarations: Declarations): Promise<void> {
    this.cluster?.start();
    const started = await Promise.allSettled(
      declarations.backends.map(({ spec, config }) => this.launch(spec, config)),
    );
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.shutdown();
      throw failed.reason;
    }
    for (const e of declarations.endpoints) this.registry.putEndpoint(e.name, e.route, e.methods, e.traffic, {});
  }

  /** @internal Drains requests in flight, then stops every replica; later calls are refused. */
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

  private stopping?: Promise<void>;
  private readonly launching = new Map<BackendDeployment, Promise<void>>();

  private async launch(spec: BackendDefinition, config: ResolvedBackendConfig): Promise<void> {
    if (config.userConfig !== undefined) assertPlainJson(`Backend '${spec.name}'`, config.userConfig);
    validatePlacement(spec, this.cluster !== undefined);
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

  private assertServes(backend: string, endpoint: string): void {
    const spec = this.registry.backend(backend).spec;
    if (!methodForEndpoint(spec, endpoint))
      throw new ServeError('INVALID_CONFIG', messages.noHandlerMethod(backend, endpoint));
  }

  private async handleCall(
    endpoint: string,
    payload: unknown,
    options: { method?: string; shardKey?: string },
  ): Promise<WireOutcome> {
    return encodeResult(await this.dispatcher.dispatchByName(endpoint, payload, options, true));
  }

  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const run = this.lock.then(() => {
      if (this.registry.closed) throw new ServeError('SHUT_DOWN', messages.shutDown());
      return change();
    });
    this.lock = run.catch(() => undefined);
    return run;
  }
}
