import { Injectable, Logger } from '@nestjs/common';
import type { RolloutOptions, RolloutProgress, RolloutResult } from '../interfaces/rollout-options.interface';
import { RolloutCoordinator } from '../rollout/rollout.coordinator';
import { resolveRolloutOptions } from '../rollout/rollout.options';
import type { RolloutSignals } from '../rollout/rollout.wiring';
import { messages } from '../serve.messages';
import { ServeSignals } from '../signals/serve.signals';
import { ServeRegistry } from './serve.registry';
import type { FleetChange } from '../fleet/fleet.change';
import { FleetRollouts, type FleetRolloutHost } from './fleet.rollouts';

/** Crash-looping replicas: this many failed starts in a row end a rollout to that backend. */
const TROUBLE_AFTER_FAILURES = 3;

/**
 * The guarded rollouts of the running app, over the live endpoint table and the same live
 * figures the status page shows; `ServeService.rollout()` / `abortRollout()` delegate here.
 */
@Injectable()
export class ServeRollouts {
  private readonly logger = new Logger('nestjs-serve');
  private readonly coordinator: RolloutCoordinator;
  /** The fleet's rollouts, when this instance shares a desired state (then they run there). */
  private fleet?: FleetRollouts;
  /** This instance's live figures, its backends' trouble, and where a rollout's steps are told. */
  private readonly local: RolloutSignals = {
    figures: (endpoint, backend, windowMs) => this.signals.stepFigures(backend, endpoint, windowMs),
    trouble: (backend) => this.trouble(backend),
    stepped: (endpoint, backend, text, move) => {
      this.logger.log(text);
      this.signals.events.record({ type: 'rollout-step', backend, endpoint, message: text, ...move });
    },
  };

  constructor(
    private readonly registry: ServeRegistry,
    private readonly signals: ServeSignals,
  ) {
    this.coordinator = new RolloutCoordinator(
      {
        get: (endpoint) => {
          const entry = registry.endpoints.get(endpoint);
          return entry && { traffic: { ...entry.policy.traffic }, shadows: { ...entry.policy.shadows } };
        },
        put: (endpoint, traffic, shadows) => {
          const entry = registry.endpoints.get(endpoint);
          if (entry) registry.putEndpoint(endpoint, entry.route, entry.methods, traffic, shadows, entry.stream);
        },
      },
      this.local,
    );
  }

  /** From now on rollouts live in the fleet's desired state and run on its decider (ServeFleet calls this once joined). */
  attach(host: FleetRolloutHost): FleetRollouts {
    if (this.fleet) return this.fleet.rehost(host);
    this.fleet = new FleetRollouts(host, this.local, this.logger);
    return this.fleet;
  }

  /** Progress of the rollout of `endpoint`, if one runs (anywhere in the fleet). */
  of(endpoint: string): RolloutProgress | undefined {
    return this.fleet ? this.fleet.of(endpoint) : this.coordinator.of(endpoint);
  }

  /** True when this instance alone runs a rollout of `endpoint` (no fleet). */
  runsHere(endpoint: string): boolean {
    return this.coordinator.of(endpoint) !== undefined;
  }

  /** Throws a CONFLICT ServeError while `endpoint` is being rolled out (other traffic changes wait for it). */
  assertFree(endpoint: string): void {
    if (this.fleet) this.fleet.assertFree(endpoint);
    else this.coordinator.assertFree(endpoint);
  }

  /**
   * Checks the options and starts the rollout; `result` settles when it is promoted or rolled
   * back. In a fleet, `change` is what to write to start it (the decider runs it from there) and
   * `cancel` forgets the result when that write fails.
   */
  start(
    endpoint: string,
    backend: string,
    options: RolloutOptions | undefined,
  ): { result: Promise<RolloutResult>; change?: FleetChange; cancel?: () => void } {
    const resolved = resolveRolloutOptions(endpoint, options);
    if (!this.fleet) return { result: this.coordinator.start(endpoint, backend, resolved) };
    const entry = this.registry.endpoints.get(endpoint)!;
    return this.fleet.start(endpoint, backend, resolved, entry.policy.traffic, entry.policy.shadows);
  }

  /** Rolls `endpoint` back now (`reason` is what its result says); rejects when none runs. */
  abort(endpoint: string, reason?: string): Promise<RolloutResult> {
    return this.fleet ? this.fleet.abort(endpoint, reason) : this.coordinator.abort(endpoint, reason);
  }

  /**
   * Rolls back every rollout in progress, e.g. on shutdown; in a fleet they go on elsewhere, and the
   * callers here waiting for one get its result if known, else a SHUT_DOWN ServeError.
   */
  async abortAll(reason: string): Promise<void> {
    this.fleet?.close();
    await this.coordinator.abortAll(reason);
  }

  private trouble(backend: string): string | undefined {
    const deployment = this.registry.backends.get(backend);
    if (!deployment) return messages.rolloutBackendGone(backend);
    const described = deployment.describe();
    if (described.consecutiveFailures >= TROUBLE_AFTER_FAILURES) {
      return messages.rolloutCandidateTrouble(backend, described.lastError ?? 'no reason given');
    }
    return undefined;
  }
}
