/** The weights of a one-hidden-layer perceptron, row-major float32 as ONNX stores them. */
export interface MlpWeights {
  inputs: number;
  hidden: number;
  classes: number;
  /** `[inputs, hidden]` */
  w1: Float32Array;
  b1: Float32Array;
  /** `[hidden, classes]` */
  w2: Float32Array;
  b2: Float32Array;
}

/** One training example: its non-zero features (column → value) and its class. */
export interface TrainingExample {
  features: ReadonlyMap<number, number>;
  label: number;
}

/**
 * Trains `softmax(relu(x · W1 + b1) · W2 + b2)` by stochastic gradient descent on cross-entropy,
 * in plain JavaScript. Inputs are sparse (a bag of words touches a few rows of `W1`), so an
 * example costs O(words × hidden). All randomness comes from `random`: a seeded generator makes
 * the same weights on every run.
 */
export class MlpTrainer {
  readonly weights: MlpWeights;

  constructor(
    inputs: number,
    hidden: number,
    classes: number,
    private readonly random: () => number,
  ) {
    const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale);
    this.weights = {
      inputs,
      hidden,
      classes,
      w1: uniform(inputs * hidden, 0.1),
      b1: new Float32Array(hidden),
      w2: uniform(hidden * classes, Math.sqrt(6 / (hidden + classes))),
      b2: new Float32Array(classes),
    };
  }

  /** Class probabilities of one example. */
  predict(features: ReadonlyMap<number, number>): number[] {
    return this.forward(features).probabilities;
  }

  /** One pass over `examples` in a shuffled order; returns the mean cross-entropy before each step. */
  epoch(examples: readonly TrainingExample[], learningRate: number): number {
    const order = examples.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let loss = 0;
    for (const i of order) loss += this.step(examples[i], learningRate);
    return loss / examples.length;
  }

  private step({ features, label }: TrainingExample, rate: number): number {
    const { hidden: H, classes: C, w1, b1, w2, b2 } = this.weights;
    const { preActivation, activation, probabilities } = this.forward(features);
    const dLogits = probabilities.map((p, k) => p - (k === label ? 1 : 0));
    const dHidden = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      if (preActivation[j] <= 0) continue;
      for (let k = 0; k < C; k++) dHidden[j] += w2[j * C + k] * dLogits[k];
    }
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < C; k++) w2[j * C + k] -= rate * activation[j] * dLogits[k];
    }
    for (let k = 0; k < C; k++) b2[k] -= rate * dLogits[k];
    for (const [column, x] of features) {
      for (let j = 0; j < H; j++) w1[column * H + j] -= rate * x * dHidden[j];
    }
    for (let j = 0; j < H; j++) b1[j] -= rate * dHidden[j];
    return -Math.log(Math.max(probabilities[label], 1e-12));
  }

  private forward(features: ReadonlyMap<number, number>) {
    const { hidden: H, classes: C, w1, b1, w2, b2 } = this.weights;
    const preActivation = Float64Array.from(b1);
    for (const [column, x] of features) {
      for (let j = 0; j < H; j++) preActivation[j] += x * w1[column * H + j];
    }
    const activation = preActivation.map((v) => Math.max(v, 0));
    const logits = Array.from(b2, (b, k) => {
      let sum = b;
      for (let j = 0; j < H; j++) sum += activation[j] * w2[j * C + k];
      return sum;
    });
    const top = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - top));
    const total = exps.reduce((a, b) => a + b, 0);
    return { preActivation, activation, probabilities: exps.map((e) => e / total) };
  }
}
