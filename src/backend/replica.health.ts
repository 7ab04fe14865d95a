import type { Logger } from '@nestjs/common';
import { messages } from '../serve.messages';
import { toReplicaVitals, type PongVitals } from '../signals/vitals.sampler';
import type { ReplicaEntry } from './replica.lifecycle';

/**
 * Health of a backend's running replicas, as Ray Serve's `health_check_period_s` and
 * `health_check_timeout_s`: pings each one every period, and kills one that has not answered a
 * ping within `timeoutMs` of its sending (its event loop is stuck), so that the pool replaces it.
 * The timeout counts from the ping, not from the last answer, so a period longer than the timeout
 * is fine; a replica has one ping out at a time.
 */
export class ReplicaHealth {
  private timer?: NodeJS.Timeout;
  /** The timer of each replica's unanswered ping. */
  private readonly waiting = new Map<ReplicaEntry, NodeJS.Timeout>();

  constructor(
    private readonly replicas: () => readonly ReplicaEntry[],
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    /** Hears the batch sizes a replica reported with its pong. */
    private readonly batches?: (report: NonNullable<PongVitals['batches']>) => void,
  ) {}

  /** Checks every `periodMs` until {@link stop}. */
  start(periodMs: number): void {
    this.timer = setInterval(() => this.check(), periodMs);
    this.timer.unref();
  }

  /** Stops checking. */
  stop(): void {
    clearInterval(this.timer);
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }

  /** One round: pings every running replica that has no ping out. */
  check(): void {
    for (const entry of this.replicas()) {
      if (entry.state !== 'stopped' && !this.waiting.has(entry)) this.ping(entry);
    }
  }

  private ping(entry: ReplicaEntry): void {
    const timer = setTimeout(() => this.unanswered(entry), this.timeoutMs);
    timer.unref();
    this.waiting.set(entry, timer);
    entry.replica.ping().then(
      (vitals) => {
        if (!this.answered(entry)) return;
        entry.lastPong = Date.now();
        if (!vitals) return;
        entry.vitals = toReplicaVitals(vitals, entry.lastPong);
        if (vitals.batches) this.batches?.(vitals.batches);
      },
      () => this.answered(entry),
    );
  }

  /** Settles the replica's ping; false when it was given up on (or checking stopped) meanwhile. */
  private answered(entry: ReplicaEntry): boolean {
    const timer = this.waiting.get(entry);
    if (!timer) return false;
    clearTimeout(timer);
    this.waiting.delete(entry);
    return true;
  }

  private unanswered(entry: ReplicaEntry): void {
    this.waiting.delete(entry);
    if (entry.state === 'stopped') return;
    const error = new Error(messages.stuckReplica(entry.id, this.timeoutMs));
    this.logger.error(error.message);
    entry.replica.kill(error);
  }
}
