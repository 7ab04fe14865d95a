import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSentimentModel } from '../../sample-app/model-maker/sentiment-model.builder';
import { SENTIMENT_NN_FILES } from '../../sample-app/text.features';

test('the shipped model is what `npm run make:model` makes, and agrees with AFINN on held-out texts', () => {
  const { onnx, spec, accuracy } = buildSentimentModel();
  assert.ok(
    Buffer.from(onnx).equals(readFileSync(SENTIMENT_NN_FILES.model)),
    'sample-app/model/sentiment-nn.onnx differs from what the script makes: run npm run make:model and commit it',
  );
  assert.deepEqual(spec, JSON.parse(readFileSync(SENTIMENT_NN_FILES.features, 'utf8')));
  assert.ok(spec.vocabulary.length > 3000, `${spec.vocabulary.length} words`);
  assert.ok(accuracy.sentences > 0.9, `held-out sentences ${accuracy.sentences}`);
  assert.ok(accuracy.reviews > 0.9, `reviews ${accuracy.reviews}`);
});
