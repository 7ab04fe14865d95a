import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { ReplicaVitals } from '../interfaces/serve-status.interface';

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
}

/**
 * Samples a replica's memory and event-loop utilisation, for its health-check pong. Each sample's
 * utilisation covers the time since the previous sample, so it reads as "how busy since the last
 * ping". Runs in the replica (thread, process or remote), once per ping: nothing per request.
 */
export class VitalsSampler {
  private last: EventLoopUtilization = performance.eventLoopUtilization();

  /** Memory now and the loop's utilisation since the previous call. */
  sample(): PongVitals {
    const now = performance.eventLoopUtilization();
    const delta = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    const memory = process.memoryUsage();
    return { rss: memory.rss, heap: memory.heapUsed, heapTotal: memory.heapTotal, elu: delta.utilization };
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
