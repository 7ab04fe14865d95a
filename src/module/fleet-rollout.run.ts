import type { Logger } from '@nestjs/common';
import { fleetEdit } from '../fleet/fleet.change';
import { runningRollout } from '../fleet/fleet-rollout.edits';
import type { FleetRollout, FleetState } from '../fleet/fleet.state';
import { sumStepFigures } from '../fleet/step-figures.sum';
import type { RolloutResult } from '../interfaces/rollout-options.interface';
import { fleetMessages } from '../messages/fleet.messages';
import type { RolloutRunner } from '../rollout/rollout.runner';
import { RolloutWiring, type RolloutSignals } from '../rollout/rollout.wiring';
import { ServeError } from '../serve.errors';
import type { FleetRolloutHost } from './fleet.rollouts';
import { ownEntry } from '../utils/object.util';

/**
 * One fleet rollout run on the decider: a {@link RolloutRunner} whose traffic moves are writes of
 * the desired state (with the rollout's step, so another instance can resume it there), judged on
 * figures summed over the fleet. Muted (lease lost, app closing, a write that failed), it stops
 * without writing anything more: the rollout stays in the state for the next run.
 */
export class FleetRolloutRun {
  readonly runner: RolloutRunner;
  private readonly wiring: RolloutWiring;
  private muted = false;

  constructor(
    private readonly endpoint: string,
    private readonly rollout: FleetRollout,
    private readonly host: FleetRolloutHost,
    signals: RolloutSignals,
    private readonly logger: Logger,
    /** Called once the run is over (ended, or muted by a failed write): the owner looks at the state again. */
    private readonly over: (run: FleetRolloutRun, retry: boolean) => void,
  ) {
    const resumed = rollout.stepStartedAt > 0;
    const before = { traffic: rollout.previous, shadow: rollout.shadowedBefore };
    this.wiring = new RolloutWiring(endpoint, rollout.backend, before, signals);
    this.runner = this.wiring.runner(
      {
        exists: () => ownEntry(host.applied()?.state.endpoints, endpoint) !== undefined,
        write: (edit, move) => this.write(move.traffic ? 'step' : 'shadow', (s) => edit(s.endpoints[endpoint])),
        figures: (backend, own) =>
          sumStepFigures(own, host.reported(), endpoint, backend, this.runner.progress.stepStartedAt ?? 0),
      },
      rollout.options,
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
        this.wiring.ended(result);
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
  private async write(what: string, change: (s: FleetState) => void): Promise<void> {
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
          if (ownEntry(s.endpoints, endpoint)) change(s);
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
