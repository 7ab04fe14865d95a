import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextFeatures, tokenize } from '../../sample-app/text.features';

test('tokenize: lower case, punctuation out, hyphens and apostrophes kept', () => {
  assert.deepEqual(tokenize("  The food, was NOT good!! (well-made; don't)  "), [
    'the',
    'food',
    'was',
    'not',
    'good',
    'well-made',
    "don't",
  ]);
  assert.deepEqual(tokenize('...!?'), []);
});

test('TextFeatures: counts vocabulary words per text, -1 right after a negator, one row per text', () => {
  const features = new TextFeatures({ vocabulary: ['bad', 'good'], negators: ['not'], labels: [] });
  assert.equal(features.size, 2);
  assert.deepEqual(
    [...features.sparse('good good, not bad at all')],
    [
      [1, 2],
      [0, -1],
    ],
  );
  assert.deepEqual(features.sparse('nothing here').size, 0);
  assert.deepEqual([...features.matrix(['good', 'not good bad', 'other'])], [0, 1, 1, -1, 0, 0]);
});
