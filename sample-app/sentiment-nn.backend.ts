import { BadRequestException } from '@nestjs/common';
import { Backend, Batch, Endpoint, ServeResponse, type ServeRequest } from '../src';
import {
  DEFAULT_THRESHOLD,
  labelOf,
  readText,
  readThreshold,
  type SentimentConfig,
  type SentimentResult,
} from './sentiment.common';
import { SentimentNNModel } from './sentiment-nn.model';

/** What `POST /sentiment/nn` answers: a sentiment result and how many texts shared its inference. */
export interface SentimentNNResult extends SentimentResult {
  batchSize: number;
}

/**
 * A neural network as a backend: a small ONNX text classifier (bag of AFINN words → 16 ReLU →
 * softmax, made by `npm run make:model`) run by onnxruntime-node. `@Batch()` turns the requests
 * waiting for a replica into one `[batch, features]` tensor and one inference. The score is
 * P(positive) − P(negative).
 */
@Backend({
  numReplicas: 2,
  replica: 'thread',
  maxBatchSize: 32,
  userConfig: { threshold: DEFAULT_THRESHOLD },
})
export class SentimentNN {
  private readonly model: SentimentNNModel;
  private threshold = DEFAULT_THRESHOLD;

  /** Runs inside each replica: loads the ONNX model there. */
  constructor() {
    this.model = new SentimentNNModel('SentimentNN');
  }

  /** Stores the threshold; the replica reports ready once the model has loaded (a load error fails its start). */
  async reconfigure(config: SentimentConfig): Promise<void> {
    const threshold = readThreshold(config);
    await this.model.ready();
    this.threshold = threshold;
  }

  /** Scores a batch of `{ "text": "..." }` bodies in one inference; a bad body answers 400 alone. */
  @Batch()
  @Endpoint({ route: '/sentiment/nn', methods: ['POST'], name: 'sentiment-nn' })
  async score(requests: ServeRequest[]): Promise<(SentimentNNResult | ServeResponse)[]> {
    const texts = requests.map((r) => textOf(r.body));
    const valid = texts.filter((t): t is string => typeof t === 'string');
    const scores = valid.length > 0 ? await this.model.predict(valid) : [];
    let row = 0;
    return texts.map((text) => {
      if (typeof text !== 'string') return text;
      const score = scores[row++];
      return { score, label: labelOf(score, this.threshold), version: 'nn', batchSize: valid.length };
    });
  }
}

function textOf(body: unknown): string | ServeResponse {
  try {
    return readText(body);
  } catch (err) {
    if (!(err instanceof BadRequestException)) throw err;
    return new ServeResponse({ status: 400, body: err.getResponse() as Record<string, unknown> });
  }
}
