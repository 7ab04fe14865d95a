import type { Logger } from '@nestjs/common';
import { messages } from '../serve.messages';
import type { SiteState } from './replica.lifecycle';
import { RestartPolicy } from './restart.policy';

/** What the replacement scheduler asks of the pool it serves. */
export interface ReplacementTarget {
  /** Backend name, for log lines. */
  readonly name: string;
  /** True while `site` should run one more replica than it does (the pool is not draining, the site is still there). */
  wanted(site: SiteState): boolean;
  /** Starts one replica on `site`; rejects when it cannot. */
  start(site: SiteState): Promise<unknown>;
  /** Capacity changed (a replacement gave up, or is no longer wanted). */
  capacityChanged(): void;
}

/**
 * Brings a site back to `numReplicas` after a replica died or failed to start: one replacement
 * at a time per site, after the delay the {@link RestartPolicy} gives for its failed starts in a
 * row, until the site runs as many as wanted.
 */
export class ReplacementScheduler {
  /** Replacement replicas started. */
  restarts = 0;

  constructor(
    private readonly target: ReplacementTarget,
    private readonly logger: Logger,
    private readonly policy = new RestartPolicy(),
  ) {}

  /** A replica of `site` that became ready at `readyAt` died: count it, log it, replace it. */
  exited(site: SiteState, replicaId: string, readyAt: number, reason: Error): void {
    site.failures = this.policy.failuresAfterExit(site.failures, readyAt, Date.now());
    this.logger.error(messages.replicaDiedReplacing(this.target.name, replicaId, site.site.name, reason.message));
    this.schedule(site);
  }

  /** A replica of `site` failed to start: count it, log it, retry with backoff. */
  startFailed(site: SiteState, err: Error): void {
    site.failures++;
    this.logger.error(messages.replicaStartRetrying(this.target.name, site.site.name, err.message));
    this.schedule(site);
  }

  /** Schedules the next replacement on `site` if one is wanted and none is due yet. */
  schedule(site: SiteState): void {
    if (site.timer || !this.target.wanted(site)) return;
    site.timer = setTimeout(() => {
      site.timer = undefined;
      if (!this.target.wanted(site)) return this.target.capacityChanged();
      this.restarts++;
      this.target.start(site).then(
        () => this.schedule(site),
        (err: Error) => {
          this.startFailed(site, err);
          this.target.capacityChanged();
        },
      );
    }, this.policy.delayMs(site.failures));
    site.timer.unref();
  }
}
