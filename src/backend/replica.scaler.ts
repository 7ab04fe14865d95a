import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import { ServeError } from '../serve.errors';
import { deployMessages } from '../serve.messages';
import type { ReplicaEntry, SiteState } from './replica.lifecycle';
import { retirementOrder } from './retirement.order';

/** What a scaler needs from the pool whose sites it scales. */
export interface ScalerPool {
  /** The backend's name, for messages. */
  readonly name: string;
  /** The backend's current config: the scaler sets its `numReplicas`. */
  config(): ResolvedBackendConfig;
  /** The sites open now. */
  sites(): SiteState[];
  /** A site's replicas up and not draining. */
  serving(site: SiteState): ReplicaEntry[];
  /** Starts one replica on a site; resolves once it serves. */
  start(site: SiteState): Promise<ReplicaEntry>;
  /** Drains a serving replica, then stops it. */
  retire(entry: ReplicaEntry): Promise<void>;
}

/**
 * Scales each site of a backend's pool to `numReplicas`: starts the missing replicas, or
 * cancels starting ones and drains serving ones in {@link retirementOrder}. If a site cannot
 * scale up, every site goes back to the previous number.
 */
export class ReplicaScaler {
  /** Numbers of starting replicas a scale-down cancelled: their failed start is no crash. */
  private readonly cancelled = new Set<number>();
  /** The errors a cancelled start rejects with, so that callers tell them from failed starts. */
  private readonly cancelErrors = new WeakSet<Error>();

  constructor(private readonly pool: ScalerPool) {}

  /** Sets `numReplicas` and scales every site to it; on a failed start, restores the previous number and rethrows. */
  async scale(numReplicas: number): Promise<void> {
    const config = this.pool.config();
    const previous = config.numReplicas;
    config.numReplicas = numReplicas;
    const sites = this.pool.sites();
    const results = await Promise.allSettled(sites.map((site) => this.scaleSite(site, numReplicas)));
    // A replica host that left meanwhile is no reason to undo the others.
    const failed = results.find((r, i): r is PromiseRejectedResult => r.status === 'rejected' && !sites[i].removed);
    if (failed) {
      this.pool.config().numReplicas = previous;
      await Promise.allSettled(this.pool.sites().map((site) => this.scaleSite(site, previous)));
      throw failed.reason;
    }
  }

  /** True if the failed start of replica `number` is one a scale-down cancelled; `err` is then remembered as a cancel. */
  cancelledStart(number: number, err: Error): boolean {
    if (!this.cancelled.delete(number)) return false;
    this.cancelErrors.add(err);
    return true;
  }

  /** True if `err` is what a start cancelled by a scale-down rejected with. */
  isCancel(err: Error): boolean {
    return this.cancelErrors.has(err);
  }

  /** Rethrows `err` unless it is a start a scale-down cancelled. */
  rethrowUnlessCancel(err: Error): void {
    if (!this.cancelErrors.has(err)) throw err;
  }

  private async scaleSite(site: SiteState, numReplicas: number): Promise<void> {
    const serving = this.pool.serving(site);
    const live = serving.length + site.starting.size;
    if (numReplicas > live) {
      const results = await Promise.allSettled(Array.from({ length: numReplicas - live }, () => this.pool.start(site)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } else if (numReplicas < live) {
      const victims = retirementOrder(site.starting, serving, live - numReplicas);
      await Promise.all(
        victims.map((e) => (e.state === 'starting' ? this.cancelStart(e, numReplicas) : this.pool.retire(e))),
      );
    }
  }

  /** Kills a replica that is still starting; resolves once its start has ended. */
  private async cancelStart(entry: ReplicaEntry, numReplicas: number): Promise<void> {
    this.cancelled.add(entry.number);
    entry.replica.kill(
      new ServeError('SHUT_DOWN', deployMessages.startCancelled(this.pool.name, entry.id, numReplicas)),
    );
    await entry.replica.ready.then(
      () => undefined,
      () => undefined,
    );
  }
}
