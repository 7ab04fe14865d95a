import type { LeaseHolder, LeaseStore } from './lease.store';

/**
 * This instance's part in the fleet's decider lease: every period it renews the lease it holds,
 * or tries to take it when nobody holds it (the store lets a holder's key expire `ttlMs` after
 * its last renewal, so a dead holder's lease passes on within `ttlMs` + one period). It counts
 * itself the holder only until `ttlMs` minus one period after its last successful renewal, so two
 * instances never both act as decider while the store cannot be reached.
 */
export class FleetLease {
  private revision?: number;
  private validUntil = 0;
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private stopped = false;
  private wasHeld = false;
  /** Who holds it, as last read (this instance included). */
  holder?: LeaseHolder;

  constructor(
    private readonly store: LeaseStore,
    private readonly self: LeaseHolder,
    private readonly ttlMs: number,
    private readonly periodMs: number,
    /** Called when this instance becomes the decider or stops being it. */
    private readonly changed: (held: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** True while this instance holds the lease (and it cannot have expired in the store). */
  get held(): boolean {
    return this.revision !== undefined && this.now() < this.validUntil;
  }

  /** Tries at once, then every period. */
  start(): Promise<void> {
    this.timer = setInterval(() => void this.tick(), this.periodMs);
    this.timer.unref();
    return this.tick();
  }

  /** One round: renew or try to take it; tells `changed` when this instance gained or lost it. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    const asked = this.now();
    try {
      const revision =
        this.revision === undefined
          ? await this.store.acquireLease(this.self)
          : await this.store.renewLease(this.self, this.revision);
      if (this.stopped) {
        // stop() ran meanwhile: a lease this round took or renewed is given up, never reported held.
        if (revision !== undefined) await this.store.releaseLease(revision).catch(() => undefined);
        return;
      }
      this.revision = revision;
      if (revision !== undefined) {
        this.validUntil = asked + this.ttlMs - this.periodMs;
        this.holder = this.self;
      } else this.holder = await this.store.leaseHolder();
    } catch {
      // The store does not answer: the lease held lapses on its own (validUntil).
    } finally {
      this.ticking = false;
      this.report();
    }
  }

  /** Stops renewing; gives the lease up when held, so another instance takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const revision = this.revision;
    this.revision = undefined;
    this.report();
    if (revision !== undefined) await this.store.releaseLease(revision).catch(() => undefined);
  }

  private report(): void {
    const held = this.held;
    if (held === this.wasHeld) return;
    this.wasHeld = held;
    if (!held) this.revision = undefined;
    this.changed(held);
  }
}
