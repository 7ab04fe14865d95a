import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveAppForSuite } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { BatchBackend, HangingBatchBackend } from '../fixtures/batch.backend';

for (const adapter of httpAdapters) {
  describe(`@Batch() on ${adapter.name}`, () => {
    const s = serveAppForSuite({ backends: [BatchBackend, HangingBatchBackend] }, { adapter: adapter.create() });

    test('concurrent requests are grouped up to maxBatchSize, each gets its own result', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          s.http
            .post('/batch')
            .send({ n })
            .expect(200)
            .then((r) => r.body),
        ),
      );
      results.forEach((r, n) => assert.equal(r.n, n));
      const sizes = results.map((r) => r.batchSize);
      assert.ok(Math.max(...sizes) === 8, `batch sizes ${sizes}`);
      assert.ok(sizes.every((size) => size <= 8));
    });

    test('a lone request runs after batchWaitTimeoutMs with a batch of 1', async () => {
      const started = Date.now();
      const res = await s.http.post('/batch').send({ n: 7 }).expect(200);
      assert.deepEqual(res.body, { n: 7, batchSize: 1 });
      assert.ok(Date.now() - started >= 45);
    });

    test('maxBatchSize can be changed at run time', async () => {
      await s.serve.updateBackendConfig('BatchBackend', { maxBatchSize: 3, batchWaitTimeoutMs: 20 });
      const results = await Promise.all(
        Array.from({ length: 9 }, (_, n) =>
          s.http
            .post('/batch')
            .send({ n })
            .expect(200)
            .then((r) => r.body),
        ),
      );
      assert.ok(results.every((r) => r.batchSize <= 3));
      assert.ok(results.some((r) => r.batchSize === 3));
    });

    test('a result of the wrong length fails each request of the batch with 500', async () => {
      const results = await Promise.all(
        Array.from({ length: 3 }, (_, n) =>
          s.http
            .post('/batch')
            .set('x-serve-call-method', 'wrongLength')
            .send({ n })
            .then((r) => r.status),
        ),
      );
      assert.deepEqual(results, [500, 500, 500]);
    });

    test('a batch that never settles: its callers get 504, and the next batch runs (it waited for it forever)', async () => {
      await s.http.post('/batch-hang').send({ hang: true }).expect(504);
      for (let i = 0; i < 3; i++) assert.equal((await s.http.post('/batch-hang').send({}).expect(200)).text, 'served');
    });
  });
}
