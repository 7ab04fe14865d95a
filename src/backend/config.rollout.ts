import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import { ServeError, isServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import type { ReplicaEntry } from './replica.lifecycle';

/**
 * A rolling `userConfig` update of one backend: `reconfigure(userConfig)` in one ready replica at
 * a time while the others serve. If one fails, the replicas it changed (and those that joined
 * meanwhile with the new config) get the previous one back, and the update rejects.
 */
export class ConfigRollout {
  constructor(
    private readonly name: string,
    private readonly replicas: () => readonly ReplicaEntry[],
    /** The backend's live config: its `userConfig` is what starting replicas catch up with. */
    private readonly config: () => ResolvedBackendConfig,
    private readonly capacityChanged: () => void,
  ) {}

  /** Rolls `userConfig` out to every ready replica; rejects with INVALID_CONFIG (all rolled back) if one refuses. */
  async roll(userConfig: unknown): Promise<void> {
    const previous = this.config().userConfig;
    this.config().userConfig = userConfig;
    const done: ReplicaEntry[] = [];
    const snapshot = [...this.replicas()];
    for (const entry of snapshot) {
      if (entry.state !== 'ready') continue;
      try {
        await this.reconfigureOne(entry, userConfig);
        done.push(entry);
      } catch (err) {
        if (isServeError(err) && err.code === 'REPLICA_UNAVAILABLE') continue;
        this.config().userConfig = previous;
        // Back to the previous config, one replica at a time: those done, the failed one, and
        // replacements that joined (caught up to the new config) meanwhile.
        const joined = this.replicas().filter((e) => !snapshot.includes(e) && e.state === 'ready');
        for (const touched of [...done, entry, ...joined])
          await this.reconfigureOne(touched, previous).catch(() => undefined);
        throw new ServeError(
          'INVALID_CONFIG',
          messages.reconfigureFailed(this.name, entry.id, (err as Error).message),
          { cause: err },
        );
      }
    }
  }

  private async reconfigureOne(entry: ReplicaEntry, userConfig: unknown): Promise<void> {
    entry.accepting = false;
    entry.state = 'reconfiguring';
    try {
      await entry.replica.reconfigure(userConfig);
    } finally {
      if (entry.state === 'reconfiguring') {
        entry.state = 'ready';
        entry.accepting = true;
        this.capacityChanged();
      }
    }
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
