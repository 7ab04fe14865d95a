import type { Logger } from '@nestjs/common';
import type { FleetChange } from '../fleet/fleet.change';
import { FleetLease } from '../fleet/fleet.lease';
import type { FleetInstance, FleetStepFigures, StoredFleetState } from '../fleet/fleet.state';
import type { LeaseHolder, LeaseStore } from '../fleet/lease.store';
import { fleetMessages } from '../messages/fleet.messages';
import type { ChangeLock } from './change.lock';
import type { FleetRolloutHost, FleetRollouts } from './fleet.rollouts';

/** What the decider uses of this instance's place in the fleet. */
export interface DeciderFleet {
  applied(): StoredFleetState;
  /** Writes a change and applies it here (the caller holds the lock). */
  commit(change: FleetChange): Promise<number>;
  /** Every instance heard of, with whether it is live. */
  instances(): (FleetInstance & { live: boolean })[];
}

/**
 * This instance as a candidate decider of the fleet: holds or waits for the decider lease
 * ({@link FleetLease}), and gives the fleet's rollouts what they run on — the state, writes
 * under the change lock, the other instances' reported figures — telling them when the lease
 * moves here or away.
 */
export class FleetDecider implements FleetRolloutHost {
  private readonly lease: FleetLease;
  /** The fleet's rollouts, once ServeRollouts attached them. */
  rollouts?: FleetRollouts;

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
      this.rollouts?.sync();
    });
  }

  get label(): string {
    return `${this.self.name} (${this.self.id})`;
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

  start(): Promise<void> {
    return this.lease.start();
  }

  /** Stops the runs here without writing, and gives the lease up. */
  async stop(): Promise<void> {
    this.rollouts?.stop();
    await this.lease.stop();
  }
}
