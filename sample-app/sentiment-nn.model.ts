import { readFileSync } from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import { onnxThreadsPerReplica } from './onnx.threads';
import { SENTIMENT_NN_FILES, TextFeatures, type FeatureSpec } from './text.features';

/** The ONNX sentiment network of the sample app, run by onnxruntime-node on the CPU. */
export class SentimentNNModel {
  private readonly ort: typeof Ort;
  private readonly features: TextFeatures;
  private readonly positive: number;
  private readonly negative: number;
  private readonly session: Promise<Ort.InferenceSession>;

  /**
   * Starts loading the model; {@link ready} settles when it has. `onnxruntime-node` is required
   * here, so only the replicas that construct the model load the native addon, never the host app.
   */
  constructor(
    readonly backend: string,
    files = SENTIMENT_NN_FILES,
  ) {
    this.ort = require('onnxruntime-node') as typeof Ort;
    const spec = JSON.parse(readFileSync(files.features, 'utf8')) as FeatureSpec;
    this.features = new TextFeatures(spec);
    this.positive = spec.labels.indexOf('positive');
    this.negative = spec.labels.indexOf('negative');
    this.session = this.load(files.model);
    // Awaited by ready() and predict(); this keeps an early failure from being an unhandled rejection.
    this.session.catch(() => undefined);
  }

  /** Resolves once the model is loaded; rejects with why it could not be. */
  async ready(): Promise<void> {
    await this.session;
  }

  /**
   * Scores `texts` in one inference (one `[texts, features]` tensor): for each, the probability
   * of positive minus that of negative, in [-1, 1].
   */
  async predict(texts: readonly string[]): Promise<number[]> {
    const session = await this.session;
    const input = new this.ort.Tensor('float32', this.features.matrix(texts), [texts.length, this.features.size]);
    const output = await session.run({ [session.inputNames[0]]: input });
    const probabilities = output[session.outputNames[0]].data as Float32Array;
    const classes = probabilities.length / texts.length;
    return texts.map(
      (_, row) => probabilities[row * classes + this.positive] - probabilities[row * classes + this.negative],
    );
  }

  private async load(modelPath: string): Promise<Ort.InferenceSession> {
    const threads = onnxThreadsPerReplica();
    const session = await this.ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    const input = session.inputMetadata[0];
    const width = input?.isTensor ? input.shape[1] : undefined;
    if (width !== this.features.size) {
      throw new Error(
        `${this.backend}: ${modelPath} takes ${String(width)} features but its feature spec has ` +
          `${this.features.size} words; make both again with npm run make:model`,
      );
    }
    return session;
  }
}
