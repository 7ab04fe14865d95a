import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import type { FleetRollout, FleetState, FleetStepFigures, StoredFleetState } from '../fleet/fleet.state';
import type { ResolvedRolloutOptions, RolloutProgress, RolloutResult } from '../interfaces/rollout-options.interface';
import { fleetMessages } from '../messages/fleet.messages';
import type { RolloutSignals } from '../rollout/rollout.wiring';
import { fleetEdit, type FleetChange } from '../fleet/fleet.change';
import { runningRollout } from '../fleet/fleet-rollout.edits';
import { FleetRolloutRun } from './fleet-rollout.run';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { ownEntry } from '../utils/object.util';

/** How long a run whose write failed waits before the rollout is looked at again, in ms. */
const RETRY_MS = 1000;

/** A caller of rollout() or abortRollout() on this instance, waiting for a fleet rollout's result. */
interface Waiter {
  resolve: (result: RolloutResult) => void;
  reject: (err: ServeError) => void;
  endpoint: string;
  backend: string;
  seen: boolean;
}

/** What the fleet's rollouts need from the fleet: its state, its writes, its decider lease, the others' figures. */
export interface FleetRolloutHost {
  /** The desired state this instance applied last. */
  applied(): StoredFleetState | undefined;
  /** Writes a change of the decider (rebased on any newer state; never a 409) and applies it here. */
  decide(change: FleetChange): Promise<void>;
  /** True while this instance holds the decider lease. */
  readonly isDecider: boolean;
  /** This instance, for status() and the logs. */
  readonly label: string;
  /** The rollout figures the other live instances reported in their heartbeats. */
  reported(): FleetStepFigures[];
}

/**
 * Guarded rollouts of a fleet: their progress lives in the desired state (`rollouts`), so any
 * instance starts, shows or aborts one, and the instance holding the decider lease runs them,
 * resuming one another instance began from its current step. A decider that loses the lease stops
 * its runs without writing anything: the next decider carries them on.
 */
export class FleetRollouts {
  private readonly runs = new Map<string, FleetRolloutRun>();
  private readonly waiters = new Map<string, Waiter>();
  private closed = false;

  constructor(
    private host: FleetRolloutHost,
    /** This instance's own view: live figures and a backend's trouble. */
    private readonly local: RolloutSignals,
    private readonly logger: Logger,
  ) {}

  /** Runs on `host` from now on (the fleet's store was opened again after a new connection). */
  rehost(host: FleetRolloutHost): this {
    this.stop();
    this.host = host;
    return this;
  }

  /** The rollout of `endpoint` in progress, as status() shows it. */
  of(endpoint: string): RolloutProgress | undefined {
    const rollout = runningRollout(this.host.applied()?.state, endpoint);
    if (!rollout) return undefined;
    const live = this.runs.get(endpoint);
    if (live && live.id === rollout.id) return { ...live.runner.progress, decider: this.host.label };
    const weight = rollout.step < 0 ? 0 : (rollout.options.steps[rollout.step] ?? 0);
    return {
      endpoint,
      backend: rollout.backend,
      previous: rollout.previous,
      step: rollout.step,
      weight,
      steps: [...rollout.options.steps],
      startedAt: rollout.startedAt,
      ...(rollout.stepStartedAt ? { stepStartedAt: rollout.stepStartedAt } : {}),
      ...(rollout.decider ? { decider: rollout.decider } : {}),
      done: rollout.done,
    };
  }

  /** Throws a CONFLICT ServeError while `endpoint` is being rolled out anywhere in the fleet. */
  assertFree(endpoint: string, state = this.host.applied()?.state): void {
    const rollout = runningRollout(state, endpoint);
    if (rollout) throw new ServeError('CONFLICT', messages.rolloutRunning(endpoint, rollout.backend));
  }

  /** The change that starts a rollout, and its result (settles when the decider ends it). */
  start(
    endpoint: string,
    backend: string,
    options: ResolvedRolloutOptions,
    traffic: Record<string, number>,
    shadows: Record<string, number>,
  ): { change: FleetChange; result: Promise<RolloutResult>; cancel(): void } {
    this.assertOpen();
    this.assertFree(endpoint);
    if ((ownEntry(traffic, backend) ?? 0) >= 1)
      throw new ServeError('INVALID_CONFIG', messages.rolloutAlreadyServing(endpoint, backend));
    const id = randomUUID();
    const rollout: FleetRollout = {
      id,
      backend,
      options,
      previous: { ...traffic },
      ...(Object.hasOwn(shadows, backend) ? { shadowedBefore: shadows[backend] } : {}),
      step: options.shadowFirstMs > 0 ? -1 : 0,
      stepStartedAt: 0,
      startedAt: Date.now(),
      done: [],
    };
    const result = new Promise<RolloutResult>((resolve, reject) =>
      this.waiters.set(id, { resolve, reject, endpoint, backend, seen: false }),
    );
    // close() may reject it while the start is still being written, before the caller listens.
    result.catch(() => undefined);
    const change = fleetEdit(`rollout('${endpoint}')`, [`endpoint:${endpoint}`], (s) => {
      this.assertFree(endpoint, s);
      if (!ownEntry(s.endpoints, endpoint))
        throw new ServeError('NOT_FOUND', messages.unknownEndpoint(endpoint, Object.keys(s.endpoints)));
      (s.rollouts ??= {})[endpoint] = rollout;
    });
    return { change, result, cancel: () => this.waiters.delete(id) };
  }

  /** Asks the decider to roll `endpoint` back (`reason`); resolves with the rollout's result. */
  async abort(endpoint: string, reason = 'aborted'): Promise<RolloutResult> {
    this.assertOpen();
    const rollout = runningRollout(this.host.applied()?.state, endpoint);
    if (!rollout) throw new ServeError('NOT_FOUND', messages.rolloutNoneRunning(endpoint));
    // The instance that started it may wait for the same result: both are answered.
    const result = new Promise<RolloutResult>((resolve, reject) => {
      const started = this.waiters.get(rollout.id);
      this.waiters.set(rollout.id, {
        resolve: started ? (r) => (started.resolve(r), resolve(r)) : resolve,
        reject: started ? (e) => (started.reject(e), reject(e)) : reject,
        endpoint,
        backend: rollout.backend,
        seen: true,
      });
    });
    result.catch(() => undefined);
    await this.host.decide(
      fleetEdit(`abortRollout('${endpoint}')`, [], (s) => {
        const now = runningRollout(s, endpoint);
        if (now?.id === rollout.id) now.abort ??= reason;
      }),
    );
    this.sync();
    return result;
  }

  /** Follows the state applied last: settles the results it holds, and runs the rollouts when this instance decides. */
  sync(): void {
    if (this.closed) return;
    const state = this.host.applied()?.state;
    this.settle(state);
    for (const [endpoint, run] of this.runs) {
      const rollout = runningRollout(state, endpoint);
      if (!this.host.isDecider || rollout?.id !== run.id) this.mute(endpoint);
      else if (rollout.abort) run.runner.abort(rollout.abort);
    }
    if (!this.host.isDecider) return;
    for (const [endpoint, rollout] of Object.entries(state?.rollouts ?? {}))
      if (!rollout.result && !this.runs.has(endpoint)) this.run(endpoint, rollout);
  }

  /** This instance's own figures of the rollouts in progress, for its heartbeat. */
  figures(): FleetStepFigures[] {
    const figures: FleetStepFigures[] = [];
    const now = Date.now();
    for (const [endpoint, rollout] of Object.entries(this.host.applied()?.state.rollouts ?? {})) {
      if (rollout.result || !rollout.stepStartedAt) continue;
      // The candidate is often in `previous` too (at weight 0): once, or the decider would count it twice.
      for (const backend of new Set([rollout.backend, ...Object.keys(rollout.previous)])) {
        const own = this.local.figures(endpoint, backend, now - rollout.stepStartedAt);
        figures.push({ endpoint, backend, since: rollout.stepStartedAt, ...own });
      }
    }
    return figures;
  }

  /** Stops every run here without writing (the app is closing: the next decider carries them on). */
  stop(): void {
    for (const endpoint of this.runs.keys()) {
      this.logger.log(fleetMessages.rolloutLeft(endpoint));
      this.mute(endpoint);
    }
  }

  /**
   * The app is closing: stops the runs here, resolves the results the state already holds, and
   * rejects the others (SHUT_DOWN): those rollouts go on on the fleet's other instances.
   */
  close(): void {
    this.closed = true;
    this.stop();
    this.settle(this.host.applied()?.state);
    for (const [id, waiter] of this.waiters) {
      this.waiters.delete(id);
      waiter.reject(new ServeError('SHUT_DOWN', messages.rolloutGoesOnElsewhere(waiter.endpoint, waiter.backend)));
    }
  }

  /** Closed, nothing would settle a new caller's result. */
  private assertOpen(): void {
    if (this.closed) throw new ServeError('SHUT_DOWN', messages.shutDown());
  }

  /** Resolves each waiter whose rollout has ended, or whose endpoint went away since it was seen. */
  private settle(state: FleetState | undefined): void {
    for (const [id, waiter] of this.waiters) {
      const found = Object.values(state?.rollouts ?? {}).find((r) => r.id === id);
      waiter.seen ||= found !== undefined;
      if (!waiter.seen || (found && !found.result)) continue;
      this.waiters.delete(id);
      const gone = messages.rolloutEndpointGone(waiter.endpoint);
      waiter.resolve(found?.result ?? { outcome: 'rolled-back', reason: gone, steps: [] });
    }
  }

  private mute(endpoint: string): void {
    this.runs.get(endpoint)?.mute();
    this.runs.delete(endpoint);
  }

  private run(endpoint: string, rollout: FleetRollout): void {
    const run = new FleetRolloutRun(endpoint, rollout, this.host, this.local, this.logger, (over, retry) => {
      if (this.runs.get(endpoint) === over) this.runs.delete(endpoint);
      // After a failed write, look again a little later: the rollout resumes from its stored step.
      if (retry) setTimeout(() => this.sync(), RETRY_MS).unref();
      else this.sync();
    });
    this.runs.set(endpoint, run);
    run.start();
  }
}
