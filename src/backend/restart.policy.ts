/** Longest wait before a replacement replica starts, however often starts failed. */
export const MAX_RESTART_DELAY_MS = 10_000;
/** A replica that dies sooner than this after becoming ready counts as a failed start (crash loop). */
export const STABLE_AFTER_MS = 5_000;

/**
 * When a site starts a replacement replica: at once after a replica that ran stably, else with
 * a backoff that doubles per failed start (200 ms, 400 ms, … up to {@link MAX_RESTART_DELAY_MS}).
 * Pure: no timers, no clock of its own.
 */
export class RestartPolicy {
  constructor(
    private readonly maxDelayMs = MAX_RESTART_DELAY_MS,
    private readonly stableAfterMs = STABLE_AFTER_MS,
  ) {}

  /** Delay before the next start on a site with `failures` failed starts in a row. */
  delayMs(failures: number): number {
    return failures === 0 ? 0 : Math.min(100 * 2 ** failures, this.maxDelayMs);
  }

  /**
   * The site's failed-start count after a replica that became ready at `readyAt` died at `now`:
   * one more when it died unstably soon, else back to 0.
   */
  failuresAfterExit(failures: number, readyAt: number, now: number): number {
    return now - readyAt < this.stableAfterMs ? failures + 1 : 0;
  }
}
