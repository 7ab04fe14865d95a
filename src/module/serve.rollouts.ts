import { Injectable, Logger } from '@nestjs/common';
import type { RolloutOptions, RolloutProgress, RolloutResult } from '../interfaces/rollout-options.interface';
import { RolloutCoordinator } from '../rollout/rollout.coordinator';
import { resolveRolloutOptions } from '../rollout/rollout.options';
import { messages } from '../serve.messages';
import { ServeSignals } from '../signals/serve.signals';
import { ServeRegistry } from './serve.registry';

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

  constructor(
    private readonly registry: ServeRegistry,
    signals: ServeSignals,
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
      {
        figures: (endpoint, backend, windowMs) => signals.stepFigures(backend, endpoint, windowMs),
        trouble: (backend) => this.trouble(backend),
        stepped: (endpoint, backend, text, step) => {
          this.logger.log(text);
          signals.events.record({ type: 'rollout-step', backend, endpoint, message: text, ...step });
        },
      },
    );
  }

  /** Progress of the rollout of `endpoint`, if one runs. */
  of(endpoint: string): RolloutProgress | undefined {
    return this.coordinator.of(endpoint);
  }

  /** Throws a CONFLICT ServeError while `endpoint` is being rolled out (other traffic changes wait for it). */
  assertFree(endpoint: string): void {
    this.coordinator.assertFree(endpoint);
  }

  /** Checks the options and starts the rollout; the promise settles when it is promoted or rolled back. */
  start(endpoint: string, backend: string, options: RolloutOptions | undefined): Promise<RolloutResult> {
    return this.coordinator.start(endpoint, backend, resolveRolloutOptions(endpoint, options));
  }

  /** Rolls `endpoint` back now (`reason` is what its result says); rejects when none runs. */
  abort(endpoint: string, reason?: string): Promise<RolloutResult> {
    return this.coordinator.abort(endpoint, reason);
  }

  /** Rolls back every rollout in progress, e.g. on shutdown. */
  abortAll(reason: string): Promise<void> {
    return this.coordinator.abortAll(reason);
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
