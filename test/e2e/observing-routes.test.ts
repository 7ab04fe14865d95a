import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveAppForSuite } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { EchoBackend } from '../fixtures/echo.backend';

for (const adapter of httpAdapters) {
  describe(`the metrics and status page paths answer other methods 405 with Allow on ${adapter.name}`, () => {
    const s = serveAppForSuite(
      { backends: [EchoBackend], metrics: { path: '/metrics' }, dashboard: { path: '/serve' } },
      { adapter: adapter.create() },
    );

    for (const [path, option] of [
      ['/metrics', 'metrics.path'],
      ['/serve', 'dashboard.path'],
      ['/serve/status.json', 'dashboard.path'],
    ]) {
      test(`${path}: POST, PUT, DELETE are 405 naming the path; GET and HEAD answer`, async () => {
        for (const method of ['post', 'put', 'delete'] as const) {
          const res = await s.http[method](path).send({ a: 1 });
          assert.equal(res.status, 405, `${method} ${path}`);
          assert.equal(res.headers.allow, 'GET, HEAD');
          assert.equal(res.body.error, 'Method Not Allowed');
          assert.ok(res.body.message.includes(`'${path}'`), res.body.message);
          assert.ok(res.body.message.includes(option), res.body.message);
          assert.ok(res.body.message.includes(method.toUpperCase()), res.body.message);
        }
        assert.equal((await s.http.get(path)).status, 200);
        assert.equal((await s.http.head(path)).status, 200);
      });
    }

    test('an endpoint still answers every method it allows, and its own 405 for the others', async () => {
      await s.http.post('/echo').send({ a: 1 }).expect(200);
      const put = await s.http.put('/echo').send({});
      assert.equal(put.status, 405);
      assert.equal(put.headers.allow, 'GET, HEAD, POST');
    });
  });
}
