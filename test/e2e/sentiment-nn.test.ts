import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { serveAppForSuite } from '../helpers/serve-app';
import { SentimentNN, type SentimentNNResult } from '../../sample-app/sentiment-nn.backend';

const TEXTS = [
  'I love this, it is wonderful!',
  'This is terrible and I hate it.',
  'The food was good.',
  'The food was not good.',
  'The waiter was rude but the view was beautiful and the wine excellent.',
  'A table, four chairs and a window.',
  'What an awful, boring and disappointing film.',
  'Great service, friendly staff, happy guests.',
];

/** The labels an AFINN reader expects for TEXTS (negation included), whatever the weights. */
const EXPECTED = ['positive', 'negative', 'positive', 'negative', 'positive', 'neutral', 'negative', 'positive'];

describe('SentimentNN: an ONNX model in thread and process replicas, batched', () => {
  const s = serveAppForSuite({ backends: [SentimentNN] });

  before(async () => {
    // The same class in process replicas, on the same endpoint: traffic picks the replica kind.
    await s.serve.createBackend('SentimentNNProcess', SentimentNN, { replica: 'process', numReplicas: 1 });
  });

  async function useOnly(backend: string): Promise<void> {
    const other = backend === 'SentimentNN' ? 'SentimentNNProcess' : 'SentimentNN';
    await s.serve.setTraffic('sentiment-nn', { [backend]: 1, [other]: 0 });
  }

  async function score(text: unknown): Promise<SentimentNNResult> {
    const res = await s.http.post('/sentiment/nn').send({ text }).expect(200);
    return res.body as SentimentNNResult;
  }

  test('the host app never loads the native addon: only replicas do', () => {
    assert.ok(!Object.keys(require.cache).some((file) => file.includes('onnxruntime-node')));
  });

  for (const [backend, kind] of [
    ['SentimentNN', 'thread'],
    ['SentimentNNProcess', 'process'],
  ] as const) {
    describe(`${kind} replicas`, () => {
      let singles: SentimentNNResult[] = [];

      before(() => useOnly(backend));

      test(`the replicas run as ${kind === 'thread' ? 'worker threads' : 'child processes'} and label texts as AFINN would`, async () => {
        const replicas = s.serve.listBackends()[backend].replicas;
        assert.ok(replicas.length > 0 && replicas.every((r) => r.replica === kind && r.state === 'ready'));
        singles = [];
        for (const text of TEXTS) singles.push(await score(text));
        assert.deepEqual(
          singles.map((r) => r.label),
          EXPECTED,
        );
        for (const r of singles) {
          assert.equal(r.version, 'nn');
          assert.equal(r.batchSize, 1, 'one request at a time runs alone');
          assert.ok(r.score >= -1 && r.score <= 1);
        }
      });

      test('concurrent requests run as one inference and each gets the answer of its single call', async () => {
        await s.serve.updateBackendConfig(backend, { batchWaitTimeoutMs: 200 });
        try {
          const answers = await Promise.all(TEXTS.map((text) => score(text)));
          const sizes = answers.map((a) => a.batchSize);
          assert.ok(Math.max(...sizes) >= 4, `batch sizes ${sizes}`);
          answers.forEach((a, i) => {
            assert.equal(a.label, singles[i].label, TEXTS[i]);
            assert.ok(Math.abs(a.score - singles[i].score) < 1e-5, `${TEXTS[i]}: ${a.score} vs ${singles[i].score}`);
          });
        } finally {
          await s.serve.updateBackendConfig(backend, { batchWaitTimeoutMs: 0 });
        }
      });

      test('a bad body in a batch answers 400 alone; the others are scored', async () => {
        await s.serve.updateBackendConfig(backend, { batchWaitTimeoutMs: 200 });
        try {
          const [bad, ...good] = await Promise.all([
            s.http.post('/sentiment/nn').send({ text: 42 }),
            ...TEXTS.slice(0, 3).map((text) => s.http.post('/sentiment/nn').send({ text })),
          ]);
          assert.equal(bad.status, 400);
          assert.match(bad.body.message, /"text" a non-empty string/);
          good.forEach((res, i) => {
            assert.equal(res.status, 200);
            assert.equal(res.body.label, EXPECTED[i]);
          });
          assert.ok(
            good.some((res) => res.body.batchSize > 1),
            'the good ones shared an inference',
          );
        } finally {
          await s.serve.updateBackendConfig(backend, { batchWaitTimeoutMs: 0 });
        }
      });
    });
  }

  test('thread replicas load the addon again after replicas stop and start, under load', async () => {
    await useOnly('SentimentNN');
    await s.serve.updateBackendConfig('SentimentNN', { numReplicas: 1 });
    await s.serve.updateBackendConfig('SentimentNN', { numReplicas: 3 });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => score(TEXTS[i % TEXTS.length])));
    answers.forEach((a, i) => assert.equal(a.label, EXPECTED[i % TEXTS.length]));
    const replicas = s.serve.listBackends().SentimentNN.replicas;
    assert.equal(replicas.filter((r) => r.state === 'ready').length, 3);
    assert.ok(replicas.filter((r) => r.served > 0).length >= 2, 'more than one thread ran inferences');
  });
});
