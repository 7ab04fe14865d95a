import { Injectable } from '@nestjs/common';
import type { BackendDefinition } from '../backend/backend.definition';
import type { BackendConfig, ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import { messages } from '../serve.messages';
import { ServeSignals } from '../signals/serve.signals';
import { HostRoutes } from './host.routes';
import { nextConfig } from '../options/backend-config.resolve';
import { ServeOrchestrator } from './serve.orchestrator';
import { ServeRegistry } from './serve.registry';
import { ServeRollouts } from './serve.rollouts';

/** An endpoint as a change sets it. */
export interface EndpointChange {
  route: string;
  methods: readonly string[];
  traffic: Record<string, number>;
  shadows: Record<string, number>;
  stream?: 'sse';
}

/** An endpoint change with copies of its tables (`stream` only when set). */
export function endpointChange(
  route: string,
  methods: readonly string[],
  traffic: Record<string, number>,
  shadows: Record<string, number>,
  stream?: 'sse',
): EndpointChange & { methods: string[] } {
  return {
    route,
    methods: [...methods],
    traffic: { ...traffic },
    shadows: { ...shadows },
    ...(stream ? { stream } : {}),
  };
}

/**
 * Makes checked changes happen on this instance: the one code path for a `ServeService` call
 * without a fleet and for a change of the fleet's desired state (from this instance or another).
 * Callers hold the {@link ChangeLock}.
 */
@Injectable()
export class ServeChanges {
  constructor(
    private readonly registry: ServeRegistry,
    private readonly orchestrator: ServeOrchestrator,
    private readonly signals: ServeSignals,
    private readonly rollouts: ServeRollouts,
    private readonly hostRoutes: HostRoutes,
  ) {}

  /** Starts a backend; it serves once every local replica is ready. */
  createBackend(spec: BackendDefinition, config: ResolvedBackendConfig): Promise<void> {
    return this.orchestrator.launch(spec, config);
  }

  /** Starts a new deployment under the name of a running one, then drains and stops the old one. */
  async replaceBackend(spec: BackendDefinition, config: ResolvedBackendConfig): Promise<void> {
    const old = this.registry.backends.get(spec.name);
    await this.orchestrator.launch(spec, config);
    if (old) await this.orchestrator.retire(old);
  }

  /** Drains and stops a backend (the caller checked that no endpoint names it). */
  async deleteBackend(name: string): Promise<void> {
    const backend = this.registry.backend(name);
    this.registry.backends.delete(name);
    await this.orchestrator.retire(backend);
    this.signals.delete(name);
  }

  /**
   * Changes some of a backend's config: scale first (a failed scale-up undoes itself), then the
   * rolling reconfigure (a failed one undoes itself and the scale), then the limits, so a rejected
   * update never leaves part of itself behind.
   */
  async updateBackend(name: string, partialConfig: BackendConfig): Promise<void> {
    const backend = this.registry.backend(name);
    const previous = backend.getConfig();
    const next = nextConfig(previous, partialConfig);
    const scaled = next.numReplicas !== previous.numReplicas;
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
  }

  /** Adds or replaces an endpoint (one atomic replacement: a request sees the old or the new one). */
  putEndpoint(name: string, endpoint: EndpointChange, isNew: boolean): void {
    this.registry.putEndpoint(
      name,
      endpoint.route,
      endpoint.methods,
      endpoint.traffic,
      endpoint.shadows,
      endpoint.stream,
    );
    if (isNew) this.hostRoutes.warnIfHidden(name, endpoint.route, endpoint.methods);
  }

  /** Removes an endpoint (rolling back its rollout first); requests in flight finish. */
  async deleteEndpoint(name: string): Promise<void> {
    if (this.rollouts.runsHere(name)) await this.rollouts.abort(name, messages.rolloutEndpointGone(name));
    this.registry.deleteEndpoint(name);
  }
}
