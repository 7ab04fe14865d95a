import { join } from 'node:path';

/**
 * What turns texts into the model's input: the vocabulary (one feature per word, in order), the
 * words that negate the next one, and the class names of the model's output. Saved beside the
 * model as `model/sentiment-nn.features.json` by `npm run make:model`.
 */
export interface FeatureSpec {
  vocabulary: string[];
  negators: string[];
  labels: string[];
}

/**
 * Splits a text into lower-case words the way the `sentiment` package does (punctuation removed,
 * split on white space; hyphens and apostrophes stay inside words).
 */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[.,/#!?$%^&*;:{}=_`"~()\s]+/g, ' ')
    .trim()
    .split(' ')
    .filter((token) => token !== '');
}

/**
 * A bag of words over a fixed vocabulary, as one `[texts, vocabulary]` float32 matrix (row-major):
 * each vocabulary word adds 1 to its column, or -1 right after a negator ("not good").
 */
export class TextFeatures {
  private readonly index = new Map<string, number>();
  private readonly negators: ReadonlySet<string>;

  constructor(readonly spec: FeatureSpec) {
    spec.vocabulary.forEach((word, i) => this.index.set(word, i));
    this.negators = new Set(spec.negators);
  }

  /** Number of features per text (the model's second input dimension). */
  get size(): number {
    return this.spec.vocabulary.length;
  }

  /** The sparse features of one text: column → value, for the columns that are not 0. */
  sparse(text: string): Map<number, number> {
    const features = new Map<number, number>();
    const tokens = tokenize(text);
    tokens.forEach((token, i) => {
      const column = this.index.get(token);
      if (column === undefined) return;
      const sign = i > 0 && this.negators.has(tokens[i - 1]) ? -1 : 1;
      features.set(column, (features.get(column) ?? 0) + sign);
    });
    return features;
  }

  /** The dense `[texts.length, size]` matrix of `texts`, one row per text. */
  matrix(texts: readonly string[]): Float32Array {
    const data = new Float32Array(texts.length * this.size);
    texts.forEach((text, row) => {
      for (const [column, value] of this.sparse(text)) data[row * this.size + column] = value;
    });
    return data;
  }
}

/** Where the sample's ONNX model and its feature spec live (made by `npm run make:model`). */
export const SENTIMENT_NN_FILES = {
  model: join(__dirname, 'model', 'sentiment-nn.onnx'),
  features: join(__dirname, 'model', 'sentiment-nn.features.json'),
};
