import type { Logger } from '@nestjs/common';
import type { FleetAcks } from '../fleet/fleet.acks';
import type { FleetBeat, StoredFleetState } from '../fleet/fleet.state';
import type { FleetStore, FleetWatch } from '../fleet/fleet.store';
import { fleetMessages } from '../messages/fleet.messages';
import { isServeError } from '../serve.errors';
import type { ChangeLock } from './change.lock';
import type { FleetApplier } from './fleet.applier';

/** Who this instance is, for its heartbeat. */
export type FleetSelf = Pick<FleetBeat, 'id' | 'name' | 'startedAt'>;

/**
 * Keeps this instance on the fleet's latest desired state: a watch from the last applied revision
 * (revisions that arrive while one applies collapse into the latest), a read every heartbeat as a
 * safety net for a watch that broke silently, a restart of both watches after a reconnect, and a
 * heartbeat with the revision applied after every apply and every period.
 */
export class FleetFollower {
  private watches: FleetWatch[] = [];
  private timer?: NodeJS.Timeout;
  private pending?: StoredFleetState;
  private draining = false;
  private closed = false;
  private storeWarned = false;
  private lastError?: { revision: number; message: string };

  constructor(
    private readonly store: FleetStore,
    private readonly applier: FleetApplier,
    private readonly acks: FleetAcks,
    private readonly lock: ChangeLock,
    private readonly logger: Logger,
    private readonly self: FleetSelf,
    private readonly periodMs: number,
    /** This instance's figures (its load, the rollouts in progress), sent with each heartbeat. */
    private readonly figures: () => Pick<FleetBeat, 'figures' | 'load'> = () => ({}),
  ) {}

  /** Starts the watches and the heartbeat. */
  async start(): Promise<void> {
    this.restartWatches();
    this.timer = setInterval(() => void this.tick(), this.periodMs);
    this.timer.unref();
    await this.beat();
  }

  /** After a reconnect: watches may be broken; resumes them and reconciles in full. */
  resume(): void {
    this.restartWatches();
    void this.reconcile();
  }

  /** Applies `target` (holding the ChangeLock), logs what failed; throws the first failure when `strict`. */
  async applyAndReport(target: StoredFleetState, strict: boolean): Promise<void> {
    const errors = await this.lock.run(() => this.applier.apply(target));
    for (const failure of errors) this.logger.error(this.applier.describe(failure, target.revision));
    if (errors.length)
      this.lastError = { revision: target.revision, message: this.applier.describe(errors[0], target.revision) };
    if (strict && errors.length) throw errors[0].error;
  }

  /** Stores this instance's heartbeat now. */
  async beat(): Promise<void> {
    const beat = { ...this.self, revision: this.applier.applied.revision, ...this.figures() };
    await this.store
      .beat(this.lastError ? { ...beat, error: this.lastError } : beat)
      .catch((err: Error) => this.warn(err));
  }

  /** Stops watching and beating, and removes the heartbeat. */
  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const watch of this.watches) watch.stop();
    await this.store.forget(this.self.id).catch(() => undefined);
  }

  private schedule(stored: StoredFleetState): void {
    const known = Math.max(this.applier.applied.revision, this.pending?.revision ?? 0);
    if (stored.revision <= known || this.closed) return;
    this.pending = stored;
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending && !this.closed) {
        const next = this.pending;
        this.pending = undefined;
        await this.applyAndReport(next, false);
        await this.beat();
      }
    } catch (err) {
      if (!isServeError(err) || err.code !== 'SHUT_DOWN') this.logger.error((err as Error).message);
    } finally {
      this.draining = false;
    }
  }

  private restartWatches(): void {
    if (this.closed) return;
    for (const watch of this.watches) watch.stop();
    this.watches = [];
    const started = [
      this.store.watch(this.applier.applied.revision, (stored) => this.schedule(stored)),
      this.store.watchInstances((id, instance) => this.acks.seen(id, instance)),
    ];
    for (const watch of started)
      void watch.then(
        (w) => {
          if (this.closed) return w.stop();
          this.watches.push(w);
          void w.ended.then(() => (this.watches = this.watches.filter((other) => other !== w)));
        },
        (err: Error) => this.warn(err),
      );
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    if (this.watches.length < 2) this.restartWatches();
    await this.beat();
    await this.reconcile();
  }

  private async reconcile(): Promise<void> {
    try {
      const stored = await this.store.read();
      this.storeWarned = false;
      if (!stored) return;
      const applied = this.applier.applied.revision;
      if (stored.revision < applied) this.logger.warn(fleetMessages.storeReset(applied, stored.revision));
      else this.schedule(stored);
    } catch (err) {
      this.warn(err as Error);
    }
  }

  private warn(err: Error): void {
    if (this.storeWarned || this.closed) return;
    this.storeWarned = true;
    this.logger.warn(fleetMessages.storeUnavailable(err.message));
  }
}
