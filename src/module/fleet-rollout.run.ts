import type { Logger } from '@nestjs/common';
import { fleetEdit } from '../fleet/fleet.change';
import { runningRollout } from '../fleet/fleet-rollout.edits';
import type { FleetRollout, FleetState } from '../fleet/fleet.state';
import { sumStepFigures } from '../fleet/step-figures.sum';
import type { RolloutResult } from '../interfaces/rollout-options.interface';
import { fleetMessages } from '../messages/fleet.messages';
import { RolloutRunner } from '../rollout/rollout.runner';
import type { StepFigures } from '../router/rollout.judge';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { FleetRolloutHost, LocalRolloutSignals } from './fleet.rollouts';

/**
 * One fleet rollout run on the decider: a {@link RolloutRunner} whose traffic moves are writes of
 * the desired state (with the rollout's step, so another instance can resume it there), judged on
 * figures summed over the fleet. Muted (lease lost, app closing, a write that failed), it stops
 * without writing anything more: the rollout stays in the state for the next run.
 */
export class FleetRolloutRun {
  readonly runner: RolloutRunner;
  private muted = false;

  constructor(
    private readonly endpoint: string,
    private readonly rollout: FleetRollout,
    private readonly host: FleetRolloutHost,
    private readonly local: LocalRolloutSignals,
    private readonly logger: Logger,
    /** Called once the run is over (ended, or muted by a failed write): the owner looks at the state again. */
    private readonly over: (run: FleetRolloutRun, retry: boolean) => void,
  ) {
    const resumed = rollout.stepStartedAt > 0;
    this.runner = new RolloutRunner(
      endpoint,
      rollout.backend,
      rollout.previous,
      rollout.options,
      {
        move: ({ traffic, shadow }) =>
          this.write(traffic ? 'step' : 'shadow', (s, r) => {
            const { shadows } = s.endpoints[endpoint];
            if (traffic) s.endpoints[endpoint].traffic = { ...traffic };
            if (shadow === undefined) return;
            if (shadow > 0) shadows[r.backend] = shadow;
            else if (r.shadowedBefore !== undefined) shadows[r.backend] = r.shadowedBefore;
            else delete shadows[r.backend];
          }),
        figures: (backend, windowMs): StepFigures => {
          const own = local.figures(endpoint, backend, windowMs);
          return sumStepFigures(own, host.reported(), endpoint, backend, this.runner.progress.stepStartedAt ?? 0);
        },
        trouble: (backend) =>
          host.applied()?.state.endpoints[endpoint] ? local.trouble(backend) : messages.rolloutEndpointGone(endpoint),
        now: () => Date.now(),
        judged: (step) => {
          const text = messages.rolloutStep(endpoint, rollout.backend, step.weight, step.verdict, step.reason);
          local.stepped(endpoint, rollout.backend, text, { weight: step.weight, outcome: 'step' });
        },
      },
      resumed ? { step: rollout.step, done: rollout.done, startedAt: rollout.startedAt } : undefined,
    );
    if (resumed) logger.log(fleetMessages.rolloutResumed(endpoint, rollout.backend, rollout.step, host.label));
  }

  /** The rollout's id. */
  get id(): string {
    return this.rollout.id;
  }

  /** Starts the runner; writes the result when it ends. */
  start(): void {
    const { endpoint, rollout, runner } = this;
    runner.start();
    void runner.result.then(async (result: RolloutResult) => {
      if (this.muted) return;
      try {
        await this.host.decide(
          fleetEdit(`rollout('${endpoint}') end`, [], (s) => {
            const r = runningRollout(s, endpoint);
            if (r?.id === rollout.id) Object.assign(r, { result, done: result.steps });
          }),
        );
        const weight = result.outcome === 'promoted' ? 1 : (rollout.previous[rollout.backend] ?? 0);
        const text = messages.rolloutEnded(endpoint, rollout.backend, result);
        this.local.stepped(endpoint, rollout.backend, text, { weight, outcome: result.outcome });
        this.over(this, false);
      } catch (err) {
        this.failed(err as Error);
      }
    });
  }

  /** Stops the runner without writing anything more. */
  mute(): void {
    this.muted = true;
    this.runner.abort('muted');
  }

  /** Writes the runner's move and progress (rebased on any newer state); a failed write mutes the run. */
  private async write(what: string, change: (s: FleetState, r: FleetRollout) => void): Promise<void> {
    if (this.muted) return;
    const { endpoint, rollout } = this;
    const progress = this.runner.progress;
    try {
      await this.host.decide(
        fleetEdit(`rollout('${endpoint}') ${what}`, [], (s) => {
          const r = runningRollout(s, endpoint);
          if (r?.id !== rollout.id) throw new ServeError('CONFLICT', fleetMessages.rolloutGone(endpoint));
          Object.assign(r, { step: progress.step, stepStartedAt: progress.stepStartedAt ?? 0, done: progress.done });
          r.decider = this.host.label;
          if (s.endpoints[endpoint]) change(s, r);
        }),
      );
    } catch (err) {
      this.failed(err as Error);
    }
  }

  private failed(err: Error): void {
    if (this.muted) return;
    this.logger.warn(fleetMessages.rolloutWriteFailed(this.endpoint, err.message));
    this.mute();
    this.over(this, true);
  }
}
