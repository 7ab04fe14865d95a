import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarkovModel, seededRandom } from '../../sample-app/markov.model';

test('MarkovModel: each generated word follows the previous one in the text; a seed repeats the text', () => {
  const text = 'the cat sat on the mat. the dog sat on the cat.';
  const model = new MarkovModel(text);
  assert.equal(model.vocabulary, 6);
  const words = [...model.generate('look at the', 20, seededRandom(1))];
  assert.equal(words.length, 20);
  const pairs = new Set(['the cat', 'cat sat', 'sat on', 'on the', 'the mat', 'the dog', 'dog sat']);
  let previous = 'the';
  for (const word of words) {
    // After a sentence end the model starts a new sentence ('the').
    assert.ok(pairs.has(`${previous} ${word}`) || word === 'the', `${previous} → ${word}`);
    previous = word;
  }
  assert.deepEqual([...model.generate('look at the', 20, seededRandom(1))], words);
});
