import type { ResolvedRolloutOptions, RolloutProgress, RolloutResult } from '../interfaces/rollout-options.interface';
import type { StepFigures } from '../router/rollout.judge';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { RolloutRunner } from './rollout.runner';

/** The endpoint table as a rollout changes it: one endpoint's split and shadows. */
export interface RolloutEndpoints {
  /** The endpoint's split and shadows, or undefined once the endpoint is gone. */
  get(endpoint: string): { traffic: Record<string, number>; shadows: Record<string, number> } | undefined;
  /** Replaces the endpoint's split and shadows at once. */
  put(endpoint: string, traffic: Record<string, number>, shadows: Record<string, number>): void;
}

/** How a rollout moved an endpoint's traffic: the candidate's share now, and whether it ended. */
export interface RolloutMove {
  /** The candidate's share now (0..1). */
  weight: number;
  /** `step` (moved on), `promoted` or `rolled-back`. */
  outcome: 'step' | 'promoted' | 'rolled-back';
}

/** Where live figures and backend trouble come from. */
export interface RolloutSignals {
  /** Figures of `backend` on `endpoint` over the last `windowMs` (shadow copies included). */
  figures(endpoint: string, backend: string, windowMs: number): StepFigures;
  /** Why `backend` cannot serve (deleted, crash loop), or undefined. */
  trouble(backend: string): string | undefined;
  /** Called when a step ends or the rollout ends, for the event log and the logs. */
  stepped?(endpoint: string, backend: string, text: string, step: RolloutMove): void;
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
    if ((current.traffic[backend] ?? 0) >= 1) {
      throw new ServeError('INVALID_CONFIG', messages.rolloutAlreadyServing(endpoint, backend));
    }
    const { signals } = this;
    const runner = new RolloutRunner(endpoint, backend, { ...current.traffic }, options, {
      move: ({ traffic, shadow }) => {
        const now = this.endpoints.get(endpoint);
        if (!now) return;
        const shadows = { ...now.shadows };
        if (shadow !== undefined && shadow > 0) shadows[backend] = shadow;
        else if (shadow === 0 && !(backend in current.shadows)) delete shadows[backend];
        else if (shadow === 0) shadows[backend] = current.shadows[backend];
        this.endpoints.put(endpoint, traffic ?? now.traffic, shadows);
      },
      figures: (name, windowMs) => signals.figures(endpoint, name, windowMs),
      trouble: (name) =>
        this.endpoints.get(endpoint) ? signals.trouble(name) : messages.rolloutEndpointGone(endpoint),
      now: () => Date.now(),
      judged: (step) => {
        const text = messages.rolloutStep(endpoint, backend, step.weight, step.verdict, step.reason);
        signals.stepped?.(endpoint, backend, text, { weight: step.weight, outcome: 'step' });
      },
    });
    this.runners.set(endpoint, runner);
    runner.start();
    return runner.result.then((result) => {
      this.runners.delete(endpoint);
      const weight = result.outcome === 'promoted' ? 1 : (current.traffic[backend] ?? 0);
      const text = messages.rolloutEnded(endpoint, backend, result);
      signals.stepped?.(endpoint, backend, text, { weight, outcome: result.outcome });
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
