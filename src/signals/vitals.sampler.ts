import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { ReplicaVitals } from '../interfaces/serve-status.interface';
import { BATCH_SIZE_BUCKETS, BucketHistogram } from './bucket.histogram';

/** What a replica's pong carries about it (short names: it goes on the wire every health ping). */
export interface PongVitals {
  /** `process.memoryUsage().rss`, bytes. */
  rss: number;
  /** `heapUsed`, bytes. */
  heap: number;
  /** `heapTotal`, bytes. */
  heapTotal: number;
  /** Event-loop utilisation (0..1) since the previous sample. */
  elu: number;
  /**
   * `@Batch()` calls since the previous sample: counts per {@link BATCH_SIZE_BUCKETS} bucket
   * (the last for larger batches) and the sum of their sizes. Absent when there was none.
   */
  batches?: { counts: number[]; sum: number };
}

/**
 * Samples a replica's memory and event-loop utilisation, for its health-check pong. Each sample's
 * utilisation covers the time since the previous sample, so it reads as "how busy since the last
 * ping". Runs in the replica (thread, process or remote), once per ping: nothing per request.
 */
export class VitalsSampler {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly batchSizes = new BucketHistogram(BATCH_SIZE_BUCKETS);

  /** Counts one `@Batch()` call of `size` requests (batches form in the replica, so they are counted here). */
  batch(size: number): void {
    this.batchSizes.observe(size);
  }

  /** Memory now and the loop's utilisation since the previous call. */
  sample(): PongVitals {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    const memory = process.memoryUsage();
    const vitals: PongVitals = {
      rss: memory.rss,
      heap: memory.heapUsed,
      heapTotal: memory.heapTotal,
      elu: delta.utilization,
    };
    if (this.batchSizes.count > 0) {
      vitals.batches = { counts: Array.from(this.batchSizes.counts), sum: this.batchSizes.sum };
      this.batchSizes.reset();
    }
    return vitals;
  }
}

/** The host's view of a pong's vitals, stamped with when it arrived. */
export function toReplicaVitals(pong: PongVitals, atMs: number): ReplicaVitals {
  return {
    rssBytes: pong.rss,
    heapUsedBytes: pong.heap,
    heapTotalBytes: pong.heapTotal,
    eventLoopUtilization: Number.isFinite(pong.elu) ? Math.min(Math.max(pong.elu, 0), 1) : 0,
    at: atMs,
  };
}
