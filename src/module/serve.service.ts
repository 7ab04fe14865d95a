import { Injectable, type Type } from '@nestjs/common';
import { buildBackendDefinition, methodForEndpoint } from '../backend/backend.definition';
import type { BackendStatus } from '../backend/backend.status';
import { getBackendMetadata } from '../decorators/backend.metadata';
import type { BackendConfig, BackendOptions, ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { CreateEndpointOptions, EndpointInfo } from '../interfaces/endpoint-options.interface';
import type { ServeHandle } from '../interfaces/serve-request.interface';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { stripUndefined } from '../utils/object.util';
import {
  validateBackendConfig,
  validateConfigUpdate,
  validateFunctionBackend,
  validateMethods,
  validateName,
  validateRoute,
  validateStreamOption,
} from '../options/config.validator';
import { nextConfig, resolveConfig } from '../options/backend-config.resolve';
import { validateTraffic } from './traffic.validator';
export type { EndpointInfo } from '../interfaces/endpoint-options.interface';
import { assertNotInEntryFile } from './entry-module';
import { ServeDispatcher } from './serve.dispatcher';
import { createAppHandle } from './serve.handle';
import { ServeRegistry, type EndpointEntry } from './serve.registry';
import type { ServeStatus } from '../interfaces/serve-status.interface';
import type { ServeHealthSource } from '../health/serve-health.source';
import { ServeSignals, type LiveStepFigures } from '../signals/serve.signals';
import type { RolloutOptions, RolloutResult } from '../interfaces/rollout-options.interface';
import { ServeRollouts } from './serve.rollouts';
import { composeStatus } from './serve.status';
import { fleetChanges, type FleetChange } from '../fleet/fleet.change';
import type { WeightMap } from '../router/traffic.policy';
import { ChangeLock } from './change.lock';
import { endpointChange, ServeChanges } from './serve.changes';
import { ServeFleet } from './serve.fleet';

/**
 * Changes backends, endpoints, traffic and user config while the app serves. Every mutating
 * call is checked first and rejected with a ServeError (nothing changed) when invalid; it
 * resolves once the change is in effect everywhere. Calls run one at a time, in call order.
 */
@Injectable()
export class ServeService implements ServeHealthSource {
  constructor(
    private readonly registry: ServeRegistry,
    private readonly dispatcher: ServeDispatcher,
    private readonly signals: ServeSignals,
    private readonly rollouts: ServeRollouts,
    private readonly changes: ServeChanges,
    private readonly lock: ChangeLock,
    private readonly fleet: ServeFleet,
  ) {}

  /** Starts a backend from a `@Backend()` class; `config` overrides the decorator's options. */
  createBackend(
    name: string,
    backendClass: Type<unknown>,
    config: BackendConfig & Omit<BackendOptions, 'name'> = {},
  ): Promise<void> {
    return this.exclusive(async () => {
      const subject = `createBackend('${name}')`;
      validateName(subject, name);
      if (this.registry.backends.has(name)) throw new ServeError('CONFLICT', messages.duplicateBackend(name));
      validateBackendConfig(subject, config, true);
      validateFunctionBackend(backendClass);
      const spec = buildBackendDefinition(backendClass, name, config);
      assertNotInEntryFile(spec);
      const resolved = resolveConfig({ ...getBackendMetadata(backendClass), ...stripUndefined(config) });
      if (!this.fleet.shared) return this.changes.createBackend(spec, resolved);
      return fleetChanges.createBackend(name, this.fleet.records.record(spec, resolved));
    });
  }

  /** Drains and stops a backend. Rejects while an endpoint names it in its traffic or shadows. */
  deleteBackend(name: string): Promise<void> {
    return this.exclusive(async () => {
      const backend = this.registry.backend(name);
      const users = this.registry.endpointsUsing(name);
      if (users.length) throw new ServeError('CONFLICT', messages.backendInUse(name, users));
      return this.fleet.shared ? fleetChanges.deleteBackend(name) : this.changes.deleteBackend(backend.spec.name);
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
      validateConfigUpdate(name, partialConfig, backend.getConfig());
      if (!this.fleet.shared) return this.changes.updateBackend(name, partialConfig);
      return fleetChanges.updateBackend(name, nextConfig(backend.getConfig(), partialConfig));
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

  /**
   * Everything about the running app now: each backend's state and why, its replicas (state,
   * site, load, memory and event-loop use), live figures over the last 10 s and last events;
   * each endpoint's route, traffic split, shadows and figures. See {@link ServeStatus}.
   */
  status(): ServeStatus {
    return composeStatus(this.registry, this.signals, this.rollouts, this.shuttingDown, this.fleet);
  }

  /** `true` once the app started shutting down (draining requests in flight). */
  get shuttingDown(): boolean {
    return this.registry.closed;
  }

  /**
   * Live figures of `backend` on `endpoint` over the last `lastMs` ms (real and shadow copies),
   * from the same rolling window as {@link status}: what a guarded rollout judges a step by.
   */
  liveFigures(endpoint: string, backend: string, lastMs: number): LiveStepFigures {
    return this.signals.stepFigures(backend, endpoint, lastMs);
  }

  /** Binds a route to a backend: a new endpoint with all its traffic on that backend. */
  createEndpoint(name: string, options: CreateEndpointOptions): Promise<void> {
    return this.exclusive(async () => {
      const subject = `createEndpoint('${name}')`;
      validateName(subject, name);
      if (this.registry.endpoints.has(name)) throw new ServeError('CONFLICT', messages.duplicateEndpoint(name));
      validateRoute(subject, options?.route);
      const methods = options.methods ?? ['GET'];
      validateMethods(subject, methods);
      validateStreamOption(subject, options.stream);
      this.registry.assertRouteFree(name, options.route);
      this.assertServes(options.backend, name);
      this.registry.assertUnambiguous(name, options.route);
      const endpoint = endpointChange(options.route, methods, { [options.backend]: 1 }, {}, options.stream);
      if (!this.fleet.shared) return this.changes.putEndpoint(name, endpoint, true);
      return fleetChanges.createEndpoint(name, endpoint);
    });
  }

  /** Removes an endpoint and its route; requests in flight finish. */
  deleteEndpoint(name: string): Promise<void> {
    return this.exclusive(async () => {
      this.registry.endpoint(name);
      return this.fleet.shared ? fleetChanges.deleteEndpoint(name) : this.changes.deleteEndpoint(name);
    });
  }

  /** Sets the split of an endpoint's traffic: weights are >= 0, sum to 1, name existing backends. Shadows are kept. */
  setTraffic(endpoint: string, traffic: Record<string, number>): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.registry.endpoint(endpoint);
      this.rollouts.assertFree(endpoint);
      validateTraffic(endpoint, traffic, (backend) => this.assertServes(backend, endpoint));
      return this.putEndpoint(`setTraffic('${endpoint}')`, entry, { ...traffic }, entry.policy.shadows);
    });
  }

  /** Sends a share `proportion` (0..1) of the endpoint's requests to `backend` too; 0 removes it. */
  shadowTraffic(endpoint: string, backend: string, proportion: number): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.registry.endpoint(endpoint);
      this.rollouts.assertFree(endpoint);
      if (typeof proportion !== 'number' || !(proportion >= 0 && proportion <= 1)) {
        throw new ServeError('INVALID_CONFIG', messages.shadowProportion(endpoint, backend, proportion));
      }
      this.assertServes(backend, endpoint);
      const shadows = { ...entry.policy.shadows };
      if (proportion === 0) delete shadows[backend];
      else shadows[backend] = proportion;
      return this.putEndpoint(`shadowTraffic('${endpoint}')`, entry, entry.policy.traffic, shadows);
    });
  }

  /**
   * Moves `endpoint`'s traffic to `backend` step by step, judging each step on live figures (see
   * {@link RolloutOptions}); resolves `promoted`, or `rolled-back` with the reason once the previous
   * split is back. Rejects (changing nothing) for bad options, unknown names, a backend that cannot
   * serve the endpoint, or a rollout already running there. Other traffic changes to the endpoint
   * are refused while it runs (in a fleet: on the decider instance, surviving its death).
   */
  rollout(endpoint: string, backend: string, options?: RolloutOptions): Promise<RolloutResult> {
    let started!: ReturnType<ServeRollouts['start']>;
    return this.exclusive(() => {
      this.registry.endpoint(endpoint);
      this.assertServes(backend, endpoint);
      started = this.rollouts.start(endpoint, backend, options);
      return started.change;
    }).then(
      () => started.result,
      (err: unknown) => Promise.reject((started?.cancel?.(), err)),
    );
  }

  /** Rolls the rollout of `endpoint` back now: its promise resolves `rolled-back` with the reason `aborted`. */
  async abortRollout(endpoint: string): Promise<void> {
    await this.rollouts.abort(endpoint);
  }

  /** Every endpoint with its route, methods, traffic and shadows. */
  listEndpoints(): Record<string, EndpointInfo> {
    return this.registry.describeEndpoints();
  }

  /** A handle that calls `endpoint` through its traffic policy, without HTTP. */
  getHandle(endpoint: string): ServeHandle {
    this.registry.endpoint(endpoint);
    return createAppHandle(this.dispatcher, endpoint);
  }

  private assertServes(backend: string, endpoint: string): void {
    const spec = this.registry.backend(backend).spec;
    if (!methodForEndpoint(spec, endpoint))
      throw new ServeError('INVALID_CONFIG', messages.noHandlerMethod(backend, endpoint));
  }

  private putEndpoint(what: string, entry: EndpointEntry, traffic: WeightMap, shadows: WeightMap): FleetChange | void {
    const endpoint = endpointChange(entry.route, entry.methods, traffic, shadows, entry.stream);
    if (!this.fleet.shared) return this.changes.putEndpoint(entry.name, endpoint, false);
    return fleetChanges.putEndpoint(what, entry.name, endpoint);
  }

  /**
   * Runs a change one at a time with the others. `change` checks it, then either makes it here
   * (no fleet: it returns nothing) or returns it as a change of the fleet's desired state, which
   * is written, applied here, and waited for on every live instance (outside the lock).
   */
  private exclusive(change: () => Promise<FleetChange | void> | FleetChange | void): Promise<void> {
    let written: { revision: number; what: string } | undefined;
    return this.lock
      .run(async () => {
        const fleetChange = await change();
        if (fleetChange) written = { revision: await this.fleet.commit(fleetChange), what: fleetChange.what };
      })
      .then(() => (written ? this.fleet.awaitApplied(written.revision, written.what) : undefined));
  }
}
