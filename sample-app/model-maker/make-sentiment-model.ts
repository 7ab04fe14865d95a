import { writeFileSync } from 'node:fs';
import { SENTIMENT_NN_FILES } from '../text.features';
import { buildSentimentModel, DEFAULT_RECIPE } from './sentiment-model.builder';

/** `npm run make:model`: trains the sample's sentiment network and writes it to `sample-app/model/`. */
function main(): void {
  const started = Date.now();
  const { onnx, spec, accuracy } = buildSentimentModel(DEFAULT_RECIPE);
  writeFileSync(SENTIMENT_NN_FILES.model, onnx);
  writeFileSync(SENTIMENT_NN_FILES.features, `${JSON.stringify(spec)}\n`);
  const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(
    `Wrote ${SENTIMENT_NN_FILES.model} (${onnx.length} bytes, ${spec.vocabulary.length} features) in ` +
      `${Date.now() - started} ms; agrees with AFINN on ${percent(accuracy.sentences)} of held-out sentences ` +
      `and ${percent(accuracy.reviews)} of reviews.txt`,
  );
}

main();
