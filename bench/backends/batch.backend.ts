import { Backend, Batch, Endpoint } from '../../src';
import { envInt } from '../work/env';
import { busyWait } from '../work/workloads';

/** Fixed cost of one call of the batch-friendly handler, ms (busy-wait, not sleep). */
export const FIXED_COST_MS = 2;
/** Extra cost per item in a call, ms. */
export const PER_ITEM_COST_MS = 0.05;

const config = { numReplicas: 1, maxBatchSize: envInt('BENCH_MAX_BATCH', 32) };

/** Scenario E without batching: every request pays the fixed cost. */
@Backend(config)
export class UnbatchedWorkBackend {
  /** `GET /work`: one item. */
  @Endpoint({ route: '/work' })
  work(): { ok: boolean } {
    busyWait(FIXED_COST_MS + PER_ITEM_COST_MS);
    return { ok: true };
  }
}

/** Scenario E with `@Batch()`: up to `maxBatchSize` requests share the fixed cost. */
@Backend(config)
export class BatchedWorkBackend {
  /** `GET /work`: a batch of items, one result each. */
  @Batch()
  @Endpoint({ route: '/work' })
  work(requests: unknown[]): { ok: boolean; batch: number }[] {
    busyWait(FIXED_COST_MS + PER_ITEM_COST_MS * requests.length);
    return requests.map(() => ({ ok: true, batch: requests.length }));
  }
}
