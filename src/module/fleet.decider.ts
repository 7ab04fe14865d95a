import { instanceLabel } from '../fleet/ack.verdict';
import type { Logger } from '@nestjs/common';
import type { FleetChange } from '../fleet/fleet.change';
import { FleetLease } from '../fleet/fleet.lease';
import type { FleetInstance, FleetStepFigures, StoredFleetState } from '../fleet/fleet.state';
import type { LeaseHolder, LeaseStore } from '../fleet/lease.store';
import type { FleetBackendLoad } from '../interfaces/serve-status.interface';
import { fleetMessages } from '../messages/fleet.messages';
import type { ChangeLock } from './change.lock';
import { FleetAutoscaler, type FleetAutoscalingHost } from './fleet.autoscaler';
import type { FleetRolloutHost, FleetRollouts } from './fleet.rollouts';

/** What the decider uses of this instance's place in the fleet. */
export interface DeciderFleet {
  applied(): StoredFleetState;
  /** Writes a change and applies it here (the caller holds the lock). */
  commit(change: FleetChange): Promise<number>;
  /** Every instance heard of, with whether it is live. */
  instances(): (FleetInstance & { live: boolean })[];
  /** This instance's own load of `backend` now, if it runs it autoscaled. */
  load(backend: string): FleetBackendLoad | undefined;
}

/**
 * This instance as a candidate decider of the fleet: holds or waits for the decider lease
 * ({@link FleetLease}), and gives the fleet's rollouts and autoscaling what they run on — the
 * state, writes under the change lock, the other instances' reported figures — telling them when
 * the lease moves here or away.
 */
export class FleetDecider implements FleetRolloutHost, FleetAutoscalingHost {
  private readonly lease: FleetLease;
  /** The fleet's rollouts, once ServeRollouts attached them. */
  rollouts?: FleetRollouts;
  /** The fleet's autoscaling: decided here while this instance holds the lease. */
  readonly autoscaling: FleetAutoscaler;

  constructor(
    store: LeaseStore,
    private readonly self: LeaseHolder,
    ttlMs: number,
    periodMs: number,
    private readonly fleet: DeciderFleet,
    private readonly lock: ChangeLock,
    private readonly logger: Logger,
  ) {
    this.lease = new FleetLease(store, self, ttlMs, periodMs, (held) => {
      this.logger.log(held ? fleetMessages.deciderNow(this.label) : fleetMessages.deciderNoMore(this.label));
      this.sync();
    });
    // Heartbeats come every period: figures older than two periods are from an instance gone quiet.
    this.autoscaling = new FleetAutoscaler(this, logger, periodMs * 2);
  }

  /** The state or the lease changed: the rollouts and the autoscaling follow. */
  sync(): void {
    this.rollouts?.sync();
    this.autoscaling.sync();
  }

  get label(): string {
    return instanceLabel(this.self);
  }

  get isDecider(): boolean {
    return this.lease.held;
  }

  /** The instance holding the lease as last seen, for status(). */
  get holder(): LeaseHolder | undefined {
    return this.lease.holder;
  }

  applied(): StoredFleetState {
    return this.fleet.applied();
  }

  async decide(change: FleetChange): Promise<void> {
    await this.lock.run(() => this.fleet.commit(change));
  }

  reported(): FleetStepFigures[] {
    return this.fleet
      .instances()
      .filter((i) => i.live && i.id !== this.self.id)
      .flatMap((i) => i.figures ?? []);
  }

  others(): FleetInstance[] {
    return this.fleet.instances().filter((i) => i.id !== this.self.id);
  }

  load(backend: string): FleetBackendLoad | undefined {
    return this.fleet.load(backend);
  }

  start(): Promise<void> {
    return this.lease.start();
  }

  /** Stops the runs here without writing, and gives the lease up. */
  async stop(): Promise<void> {
    this.rollouts?.stop();
    this.autoscaling.stop();
    await this.lease.stop();
  }
}
