import { Backend, Endpoint, Multiplexed, type ServeRequest } from '../../src';

/** What a model load costs in the multiplexing bench, ms (a sleep: weights read from disk or a store). */
export const LOAD_MS = 50;
/** What one inference costs, ms (a sleep, so the bench measures routing, not this machine's CPU). */
export const INFER_MS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CAP = 3;

/** The bench's model: a ~50 ms load, a ~5 ms inference. Subclasses differ only in the routing policy. */
export class ModelZoo {
  async load(modelId: string): Promise<{ id: string }> {
    await sleep(LOAD_MS);
    return { id: modelId };
  }

  async call(req: ServeRequest<unknown, { id: string }>) {
    await sleep(INFER_MS);
    return { model: req.model?.id };
  }
}

/** Our policy (the default `routing`). */
@Backend({ numReplicas: 4, maxConcurrentQueries: 8 })
@Endpoint({ route: '/zoo/affinity' })
export class ZooAffinity extends ModelZoo {
  @Multiplexed({ maxModelsPerReplica: CAP })
  override load(modelId: string) {
    return super.load(modelId);
  }
}

/** Ray Serve-like: a replica holding the model, else the least loaded one (no single flight, no replication). */
@Backend({ numReplicas: 4, maxConcurrentQueries: 8 })
@Endpoint({ route: '/zoo/ray-like' })
export class ZooRayLike extends ModelZoo {
  @Multiplexed({ maxModelsPerReplica: CAP, routing: 'holder-or-least-loaded' })
  override load(modelId: string) {
    return super.load(modelId);
  }
}

/** Random replica. */
@Backend({ numReplicas: 4, maxConcurrentQueries: 8 })
@Endpoint({ route: '/zoo/random' })
export class ZooRandom extends ModelZoo {
  @Multiplexed({ maxModelsPerReplica: CAP, routing: 'random' })
  override load(modelId: string) {
    return super.load(modelId);
  }
}
