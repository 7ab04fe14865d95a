import type { ResolvedRolloutOptions, RolloutProgress, RolloutResult } from '../interfaces/rollout-options.interface';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { RolloutRunner } from './rollout.runner';
import { RolloutWiring, type RolloutSignals } from './rollout.wiring';
import { ownEntry } from '../utils/object.util';

/** The endpoint table as a rollout changes it: one endpoint's split and shadows. */
export interface RolloutEndpoints {
  /** The endpoint's split and shadows, or undefined once the endpoint is gone. */
  get(endpoint: string): { traffic: Record<string, number>; shadows: Record<string, number> } | undefined;
  /** Replaces the endpoint's split and shadows at once. */
  put(endpoint: string, traffic: Record<string, number>, shadows: Record<string, number>): void;
}

/**
 * The guarded rollouts in progress, one per endpoint at most: starts them, refuses other traffic
 * changes to an endpoint being rolled out, aborts one or all (shutdown, endpoint deleted).
 */
export class RolloutCoordinator {
  private readonly runners = new Map<string, RolloutRunner>();

  constructor(
    private readonly endpoints: RolloutEndpoints,
    private readonly signals: RolloutSignals,
  ) {}

  /** Progress of every rollout in progress, for `status()`, the metrics and the page. */
  get progress(): RolloutProgress[] {
    return [...this.runners.values()].map((r) => r.progress);
  }

  /** The rollout of `endpoint` in progress, if any. */
  of(endpoint: string): RolloutProgress | undefined {
    return this.runners.get(endpoint)?.progress;
  }

  /** Throws a CONFLICT ServeError while `endpoint` is being rolled out. */
  assertFree(endpoint: string): void {
    const runner = this.runners.get(endpoint);
    if (runner) throw new ServeError('CONFLICT', messages.rolloutRunning(endpoint, runner.candidate));
  }

  /** Starts rolling `endpoint` out to `backend`; resolves when it is promoted or rolled back. */
  start(endpoint: string, backend: string, options: ResolvedRolloutOptions): Promise<RolloutResult> {
    this.assertFree(endpoint);
    const current = this.endpoints.get(endpoint);
    if (!current) throw new ServeError('NOT_FOUND', messages.unknownEndpoint(endpoint, []));
    if ((ownEntry(current.traffic, backend) ?? 0) >= 1) {
      throw new ServeError('INVALID_CONFIG', messages.rolloutAlreadyServing(endpoint, backend));
    }
    const shadow = Object.hasOwn(current.shadows, backend) ? current.shadows[backend] : undefined;
    const wiring = new RolloutWiring(endpoint, backend, { traffic: { ...current.traffic }, shadow }, this.signals);
    const runner = wiring.runner(
      {
        exists: () => this.endpoints.get(endpoint) !== undefined,
        write: (edit) => {
          const now = this.endpoints.get(endpoint);
          if (!now) return;
          const split = { traffic: now.traffic, shadows: { ...now.shadows } };
          edit(split);
          this.endpoints.put(endpoint, split.traffic, split.shadows);
        },
      },
      options,
    );
    this.runners.set(endpoint, runner);
    runner.start();
    return runner.result.then((result) => {
      this.runners.delete(endpoint);
      wiring.ended(result);
      return result;
    });
  }

  /** Rolls `endpoint` back now; resolves once its previous split is back. */
  async abort(endpoint: string, reason = 'aborted'): Promise<RolloutResult> {
    const runner = this.runners.get(endpoint);
    if (!runner) throw new ServeError('NOT_FOUND', messages.rolloutNoneRunning(endpoint));
    runner.abort(reason);
    return runner.result;
  }

  /** Rolls every rollout back (the app is shutting down). */
  async abortAll(reason: string): Promise<void> {
    await Promise.all([...this.runners.keys()].map((endpoint) => this.abort(endpoint, reason)));
  }
}
