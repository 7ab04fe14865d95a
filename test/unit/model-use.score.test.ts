import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODEL_USE_HALF_LIFE_MS, ModelUseScore } from '../../src/router/model-use.score';

test('a use score adds one per use and halves every half-life', () => {
  const score = new ModelUseScore();
  assert.equal(score.value(0), 0);
  score.add(1000);
  score.add(1000);
  assert.equal(score.value(1000), 2);
  assert.equal(score.value(1000 + MODEL_USE_HALF_LIFE_MS), 1);
  score.add(1000 + MODEL_USE_HALF_LIFE_MS);
  assert.equal(score.value(1000 + 2 * MODEL_USE_HALF_LIFE_MS), 1);
  assert.equal(score.value(0), 2, 'a clock read before the last use does not grow the score');
});

test('a model used often outranks one used once more recently', () => {
  const often = new ModelUseScore();
  const once = new ModelUseScore();
  for (let t = 0; t < 5000; t += 500) often.add(t);
  once.add(6000);
  assert.ok(often.value(7000) > once.value(7000));
});
