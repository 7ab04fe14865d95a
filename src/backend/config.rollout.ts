import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import { ServeError, isServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { ReplicaEntry } from './replica.lifecycle';

/**
 * A rolling `userConfig` update of one backend: `reconfigure(userConfig)` in one ready replica at
 * a time while the others serve. If one fails, or does not settle within the deadline, the
 * replicas it changed (and those that joined meanwhile with the new config) get the previous one
 * back, a replica that did not settle is killed (its replacement starts with the previous
 * config), and the update rejects.
 */
export class ConfigRollout {
  constructor(
    private readonly name: string,
    private readonly replicas: () => readonly ReplicaEntry[],
    /** The backend's live config: its `userConfig` is what starting replicas catch up with. */
    private readonly config: () => ResolvedBackendConfig,
    private readonly capacityChanged: () => void,
    /** How long one replica's `reconfigure` may take (`replicaStartTimeoutMs`, which bounds the first one too). */
    private readonly deadlineMs: number,
  ) {}

  /**
   * Rolls `userConfig` out to every ready replica; if one refuses, rejects with INVALID_CONFIG, if
   * one does not settle in time, with TIMEOUT, in both cases with every replica back on the previous config.
   */
  async roll(userConfig: unknown): Promise<void> {
    const previous = this.config().userConfig;
    this.config().userConfig = userConfig;
    const done: ReplicaEntry[] = [];
    const snapshot = [...this.replicas()];
    for (const entry of snapshot) {
      if (entry.state !== 'ready') continue;
      let failure: ServeError;
      try {
        if (await this.reconfigureOne(entry, userConfig)) {
          done.push(entry);
          continue;
        }
        failure = new ServeError('TIMEOUT', messages.reconfigureTimedOut(this.name, entry.id, this.deadlineMs));
      } catch (err) {
        if (isServeError(err) && err.code === 'REPLICA_UNAVAILABLE') continue;
        const why = (err as Error).message;
        failure = new ServeError('INVALID_CONFIG', messages.reconfigureFailed(this.name, entry.id, why), {
          cause: err,
        });
        done.push(entry);
      }
      await this.rollBack(previous, done, snapshot, failure.code === 'TIMEOUT' ? entry : undefined);
      throw failure;
    }
  }

  /**
   * Back to the previous config, one replica at a time: those `touched`, and replacements that
   * joined (caught up to the new config) meanwhile. The replica that `hung` is killed once the
   * config is the previous one again, so that its replacement starts with that.
   */
  private async rollBack(
    previous: unknown,
    touched: readonly ReplicaEntry[],
    snapshot: readonly ReplicaEntry[],
    hung?: ReplicaEntry,
  ): Promise<void> {
    this.config().userConfig = previous;
    if (hung) this.kill(hung);
    const joined = this.replicas().filter((e) => !snapshot.includes(e) && e.state === 'ready');
    for (const entry of [...touched, ...joined]) {
      const settled = await this.reconfigureOne(entry, previous).catch(() => true);
      if (!settled) this.kill(entry);
    }
  }

  /**
   * Reconfigures one replica, out of rotation meanwhile. Resolves false if it did not settle within
   * the deadline: it then stays out of rotation (its `reconfigure` still runs, and later ones would
   * queue behind it) until it is killed.
   */
  private async reconfigureOne(entry: ReplicaEntry, userConfig: unknown): Promise<boolean> {
    entry.accepting = false;
    entry.state = 'reconfiguring';
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(resolve, this.deadlineMs, false)));
    let settled = true;
    try {
      settled = await Promise.race([entry.replica.reconfigure(userConfig).then(() => true), deadline]);
      return settled;
    } finally {
      clearTimeout(timer);
      if (settled && entry.state === 'reconfiguring') {
        entry.state = 'ready';
        entry.accepting = true;
        this.capacityChanged();
      }
    }
  }

  private kill(entry: ReplicaEntry): void {
    entry.replica.kill(new Error(messages.reconfigureKilled(this.deadlineMs)));
  }

  /** Gives every replica new batching settings (they apply to the next batches) and admission limit. */
  batching(maxBatchSize: number, waitMs: number, maxConcurrentQueries?: number): void {
    for (const entry of this.replicas()) entry.replica.setBatching(maxBatchSize, waitMs, maxConcurrentQueries);
  }

  /** The request limits that differ between two configs, for the `config-rolled-out` event. */
  static changedLimits(before: ResolvedBackendConfig, after: ResolvedBackendConfig): string[] {
    const limits = [
      'maxConcurrentQueries',
      'maxQueuedRequests',
      'requestTimeoutMs',
      'maxBatchSize',
      'batchWaitTimeoutMs',
    ] as const;
    return limits.filter((k) => after[k] !== before[k]);
  }
}
