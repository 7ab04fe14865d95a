import type { Logger } from '@nestjs/common';
import { messages } from '../serve.messages';
import { toReplicaVitals, type PongVitals } from '../signals/vitals.sampler';
import type { ReplicaEntry } from './replica.lifecycle';

/**
 * Health of a backend's running replicas: pings each one every period, and kills one that has
 * not answered for `timeoutMs` (its event loop is stuck), so that the pool replaces it.
 */
export class ReplicaHealth {
  private timer?: NodeJS.Timeout;

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
  }

  /** One round: kills the replicas silent for longer than the timeout, pings the others. */
  check(now = Date.now()): void {
    for (const entry of this.replicas()) {
      if (entry.state === 'stopped') continue;
      if (now - entry.lastPong > this.timeoutMs) {
        const error = new Error(messages.stuckReplica(entry.id, this.timeoutMs));
        this.logger.error(error.message);
        entry.replica.kill(error);
        continue;
      }
      entry.replica.ping().then(
        (vitals) => {
          entry.lastPong = Date.now();
          if (!vitals) return;
          entry.vitals = toReplicaVitals(vitals, entry.lastPong);
          if (vitals.batches) this.batches?.(vitals.batches);
        },
        () => undefined,
      );
    }
  }
}
