import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelOfScore, makeAfinnTexts, SENTIMENT_LABELS } from '../../sample-app/model-maker/afinn.dataset';
import { seededRandom } from '../../sample-app/markov.model';

test('makeAfinnTexts: sentences of fillers and scored words, labelled by the sign of the scorer', () => {
  const scores: Record<string, number> = { good: 3, bad: -3 };
  const source = {
    words: ['good', 'bad'],
    negators: ['not'],
    fillers: ['the', 'soup', 'was'],
    score: (text: string) => {
      const tokens = text.split(' ');
      return tokens.reduce((sum, t, i) => sum + (scores[t] ?? 0) * (tokens[i - 1] === 'not' ? -1 : 1), 0);
    },
  };
  const { texts, labels } = makeAfinnTexts(source, 500, seededRandom(3));
  assert.equal(texts.length, 500);
  texts.forEach((text, i) => {
    assert.equal(labels[i], labelOfScore(source.score(text)));
    assert.ok(text.split(' ').length >= 3);
  });
  assert.deepEqual(new Set(labels), new Set([0, 1, 2]), 'every class occurs');
  assert.ok(texts.some((t) => t.includes('not good') || t.includes('not bad')));
  assert.deepEqual(makeAfinnTexts(source, 500, seededRandom(3)).texts, texts, 'a seed repeats the data');
  assert.deepEqual(SENTIMENT_LABELS, ['negative', 'neutral', 'positive']);
});
