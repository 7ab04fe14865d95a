import { SHADOW_DRAIN_TIMEOUT_MS } from '../serve.constants';

/**
 * What a backend's drain owes shadow copies: nothing. Queued copies are dropped when the drain
 * begins, and copies in flight are waited for only {@link SHADOW_DRAIN_TIMEOUT_MS} after it began
 * (a shadow's answer reaches nobody). Pure bookkeeping; the router tells it when copies start and end.
 */
export class ShadowDrain {
  private inFlight = 0;
  private drainStartedAt?: number;

  constructor(private readonly clock: () => number = Date.now) {}

  /** A shadow copy reached a replica. */
  started(): void {
    this.inFlight++;
  }

  /** A shadow copy's replica answered. */
  ended(): void {
    this.inFlight--;
  }

  /** The drain began now. */
  begin(): void {
    this.drainStartedAt ??= this.clock();
  }

  /** Shadow copies in flight that the drain must still wait for (0 once their time is up). */
  get pending(): number {
    if (this.drainStartedAt !== undefined && this.clock() - this.drainStartedAt >= SHADOW_DRAIN_TIMEOUT_MS) return 0;
    return this.inFlight;
  }

  /** Shadow copies in flight, whether or not the drain waits for them. */
  get running(): number {
    return this.inFlight;
  }
}
