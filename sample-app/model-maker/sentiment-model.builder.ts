import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Sentiment from 'sentiment';
import { seededRandom } from '../markov.model';
import { TextFeatures, tokenize, type FeatureSpec } from '../text.features';
import { labelOfScore, makeAfinnTexts, SENTIMENT_LABELS, type LabelledTexts } from './afinn.dataset';
import { MlpTrainer, type TrainingExample } from './mlp.trainer';
import { encodeMlpModel } from './onnx.writer';

/** Sizes and seed of a training run; {@link DEFAULT_RECIPE} made the shipped model. */
export interface ModelRecipe {
  hidden: number;
  epochs: number;
  /** Random sentences to train on, besides every AFINN word alone. */
  sentences: number;
  learningRate: number;
  seed: number;
}

/** The recipe of `sample-app/model/sentiment-nn.onnx`. */
export const DEFAULT_RECIPE: ModelRecipe = { hidden: 16, epochs: 6, sentences: 30_000, learningRate: 0.05, seed: 21 };

/** A trained model: its ONNX bytes, its feature spec and how well it agrees with AFINN. */
export interface BuiltModel {
  onnx: Uint8Array;
  spec: FeatureSpec;
  /** Share of held-out texts whose class matches AFINN's: random sentences, then the bundled reviews. */
  accuracy: { sentences: number; reviews: number };
}

/**
 * Trains the sample's sentiment network on AFINN-labelled texts made from data the repository
 * has: the AFINN-165 word list and negators of the `sentiment` package, and the filler words of
 * `reviews.txt`. The same recipe gives the same bytes.
 */
export function buildSentimentModel(recipe: ModelRecipe = DEFAULT_RECIPE): BuiltModel {
  // `sentiment` adds its emoji to this same object once it has loaded: keep the words only.
  const emoji = require('sentiment/build/emoji.json') as Record<string, number>;
  const afinn = require('sentiment/languages/en/labels.json') as Record<string, number>;
  const negators = Object.keys(require('sentiment/languages/en/negators.json') as Record<string, number>);
  const SentimentClass = require('sentiment') as typeof Sentiment;
  const analyser = new SentimentClass();
  const reviews = readFileSync(join(__dirname, '..', 'reviews.txt'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const vocabulary = Object.keys(afinn)
    .filter((word) => !(word in emoji) && tokenize(word).length === 1 && tokenize(word)[0] === word)
    .sort();
  const fillers = [...new Set(reviews.flatMap(tokenize))].filter((w) => !(w in afinn) && !negators.includes(w));
  const source = { words: vocabulary, negators, fillers, score: (text: string) => analyser.analyze(text).score };

  const spec: FeatureSpec = { vocabulary, negators, labels: SENTIMENT_LABELS };
  const features = new TextFeatures(spec);
  const random = seededRandom(recipe.seed);
  const single: LabelledTexts = { texts: vocabulary, labels: vocabulary.map((w) => labelOfScore(afinn[w])) };
  const training = [
    ...examples(features, single),
    ...examples(features, makeAfinnTexts(source, recipe.sentences, random)),
  ];
  const trainer = new MlpTrainer(features.size, recipe.hidden, SENTIMENT_LABELS.length, random);
  for (let e = 0; e < recipe.epochs; e++) {
    trainer.epoch(training, recipe.learningRate * (1 - e / recipe.epochs));
  }

  const agreement = (set: LabelledTexts) =>
    set.texts.filter((text, i) => argmax(trainer.predict(features.sparse(text))) === set.labels[i]).length /
    set.texts.length;
  const heldOut = makeAfinnTexts(source, 2_000, seededRandom(recipe.seed + 1));
  const accuracy = {
    sentences: agreement(heldOut),
    reviews: agreement({ texts: reviews, labels: reviews.map((r) => labelOfScore(source.score(r))) }),
  };
  const onnx = encodeMlpModel(trainer.weights, {
    input: 'features',
    output: 'probabilities',
    docString:
      'Sentiment of an English text: bag of words over the AFINN-165 word list (-1 after a negator) -> ' +
      `${recipe.hidden} ReLU -> softmax over [${SENTIMENT_LABELS.join(', ')}]. Made by npm run make:model.`,
    metadata: {
      recipe: JSON.stringify(recipe),
      heldOutAccuracy: JSON.stringify(accuracy),
      trainingTexts: String(training.length),
    },
  });
  return { onnx, spec, accuracy };
}

function examples(features: TextFeatures, set: LabelledTexts): TrainingExample[] {
  return set.texts.map((text, i) => ({ features: features.sparse(text), label: set.labels[i] }));
}

function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}
