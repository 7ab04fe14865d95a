import type { ResolvedRolloutOptions, RolloutResult } from '../interfaces/rollout-options.interface';
import type { StepFigures } from '../router/rollout.judge';
import { messages } from '../serve.messages';
import { RolloutRunner, type RolloutResume, type RolloutTarget, type TrafficMove } from './rollout.runner';

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

/** An endpoint's split and shadows. */
export interface EndpointSplit {
  /** Each backend's share of the endpoint's requests. */
  traffic: Record<string, number>;
  /** Each shadowed backend's share of copies of them. */
  shadows: Record<string, number>;
}

/** The endpoint a rollout moves, where it lives: this instance's endpoint table or the fleet's desired state. */
export interface RolloutEndpoint {
  /** True while the endpoint exists. */
  exists(): boolean;
  /** Writes `move` once, `edit` making it on the endpoint's current split and shadows. */
  write(edit: (endpoint: EndpointSplit) => void, move: TrafficMove): void | Promise<void>;
  /** The figures a step is judged on, from this instance's `own` (the fleet adds the others'); `own` when unset. */
  figures?(backend: string, own: StepFigures): StepFigures;
}

/**
 * What a rollout of this instance and one of the fleet share around their {@link RolloutRunner}:
 * a move made on the endpoint (a shadow of 0 puts the candidate's shadow from before back), the
 * candidate's trouble (the endpoint gone first), and each judged step and the end told to
 * {@link RolloutSignals.stepped}.
 */
export class RolloutWiring {
  /**
   * @param endpoint the endpoint rolled out.
   * @param candidate the backend it moves to.
   * @param signals its figures, its trouble and where its steps are told.
   */
  constructor(
    private readonly endpoint: string,
    private readonly candidate: string,
    /** The endpoint's split and the candidate's shadow share (if any) before the rollout. */
    private readonly before: { traffic: Record<string, number>; shadow?: number },
    private readonly signals: RolloutSignals,
  ) {}

  /** A runner moving `endpoint` (from `resume` when another instance began the rollout). */
  runner(endpoint: RolloutEndpoint, options: ResolvedRolloutOptions, resume?: RolloutResume): RolloutRunner {
    return new RolloutRunner(
      this.endpoint,
      this.candidate,
      this.before.traffic,
      options,
      this.target(endpoint),
      resume,
    );
  }

  /** Tells {@link RolloutSignals.stepped} how the rollout ended. */
  ended(result: RolloutResult): void {
    const { endpoint, candidate } = this;
    const weight = result.outcome === 'promoted' ? 1 : (this.before.traffic[candidate] ?? 0);
    const text = messages.rolloutEnded(endpoint, candidate, result);
    this.signals.stepped?.(endpoint, candidate, text, { weight, outcome: result.outcome });
  }

  private target(place: RolloutEndpoint): RolloutTarget {
    const { endpoint, candidate, signals } = this;
    return {
      move: (move) => place.write((split) => this.make(move, split), move),
      figures: (backend, windowMs) => {
        const own = signals.figures(endpoint, backend, windowMs);
        return place.figures ? place.figures(backend, own) : own;
      },
      trouble: (backend) => (place.exists() ? signals.trouble(backend) : messages.rolloutEndpointGone(endpoint)),
      now: () => Date.now(),
      judged: (step) => {
        const text = messages.rolloutStep(endpoint, candidate, step.weight, step.verdict, step.reason);
        signals.stepped?.(endpoint, candidate, text, { weight: step.weight, outcome: 'step' });
      },
    };
  }

  private make({ traffic, shadow }: TrafficMove, split: EndpointSplit): void {
    if (traffic) split.traffic = { ...traffic };
    if (shadow === undefined) return;
    if (shadow > 0) split.shadows[this.candidate] = shadow;
    else if (this.before.shadow !== undefined) split.shadows[this.candidate] = this.before.shadow;
    else delete split.shadows[this.candidate];
  }
}
