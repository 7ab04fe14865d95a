import { ServeError } from '../serve.errors';
import { fleetMessages } from '../messages/fleet.messages';
import { ackVerdict, instanceLabel } from './ack.verdict';
import type { FleetInstance } from './fleet.state';

const RECHECK_MS = 100;

/**
 * The fleet's instances as their heartbeats say, and the wait for a written revision to be
 * applied by every live one. Fed by the store's watch of heartbeats; judged by {@link ackVerdict}.
 */
export class FleetAcks {
  private readonly instances = new Map<string, FleetInstance>();
  private readonly waiters = new Set<() => void>();

  constructor(
    /** An instance is live while its last heartbeat is at most this old. */
    private readonly liveWindowMs: number,
    private readonly selfId: string,
  ) {}

  /** A heartbeat arrived (`undefined`: the instance left). */
  seen(id: string, instance: FleetInstance | undefined): void {
    if (instance) this.instances.set(id, instance);
    else this.instances.delete(id);
    for (const wake of [...this.waiters]) wake();
  }

  /** Every instance heard of, with whether it is live now. */
  list(now = Date.now()): (FleetInstance & { live: boolean })[] {
    return [...this.instances.values()].map((i) => ({ ...i, live: now - i.lastSeen <= this.liveWindowMs }));
  }

  /**
   * Resolves once every live instance other than this one reports `revision` applied (this one
   * has, when this is called); rejects naming the lagging instances after `timeoutMs`, or the
   * instances that failed to apply it.
   */
  wait(revision: number, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        const others = [...this.instances.values()].filter((i) => i.id !== this.selfId);
        const verdict = ackVerdict(others, revision, Date.now(), this.liveWindowMs);
        if (verdict.state === 'applied') return done();
        if (verdict.state === 'failed') {
          const failures = verdict.failed.map((i) => `${instanceLabel(i)} failed: ${i.error?.message}`);
          return done(new ServeError('STARTUP_FAILED', fleetMessages.failedOn(what, revision, failures)));
        }
        if (Date.now() >= deadline) {
          const lagging = verdict.lagging.map((i) => `${instanceLabel(i)} at revision ${i.revision}`);
          return done(new ServeError('TIMEOUT', fleetMessages.lagging(what, revision, lagging, timeoutMs)));
        }
        clearTimeout(timer);
        timer = setTimeout(check, Math.min(RECHECK_MS, Math.max(1, deadline - Date.now())));
      };
      this.waiters.add(check);
      check();
    });
  }
}
