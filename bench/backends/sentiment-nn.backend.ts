import { Backend, Batch, Endpoint, type ServeRequest } from '../../src';
import { SentimentNNModel } from '../../sample-app/sentiment-nn.model';
import { envInt, envReplicaKind } from '../work/env';

/**
 * Rows N: the sample app's ONNX sentiment network (onnxruntime-node, 1 intra-op thread per
 * replica) with `@Batch()`; `BENCH_MAX_BATCH` is the largest batch, so one inference takes up to
 * that many texts as one `[batch, features]` tensor.
 */
@Backend({
  numReplicas: envInt('BENCH_REPLICAS', 2),
  replica: envReplicaKind(),
  maxBatchSize: envInt('BENCH_MAX_BATCH', 32),
  // reconfigure() runs before a replica is ready: it waits there for the model to load.
  userConfig: {},
})
export class SentimentNNBackend {
  private readonly model = new SentimentNNModel('SentimentNNBackend');

  /** Resolves once the model is loaded. */
  async reconfigure(): Promise<void> {
    await this.model.ready();
  }

  /** `POST /sentiment/nn` with `{ text }`: its score and the size of the batch it ran in. */
  @Batch()
  @Endpoint({ route: '/sentiment/nn', methods: ['POST'] })
  async score(requests: ServeRequest<{ text: string }>[]): Promise<{ score: number; batchSize: number }[]> {
    const scores = await this.model.predict(requests.map((r) => r.body.text));
    return scores.map((score) => ({ score, batchSize: requests.length }));
  }
}
