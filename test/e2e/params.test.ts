import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { before, describe, test } from 'node:test';
import { serveAppForSuite, startServeApp } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { rawRequest } from '../helpers/raw-http';
import { AmbiguousBackend, ParamsBackend } from '../fixtures/params.backend';

const json = (body: string) => JSON.parse(body) as { served: string; params: Record<string, string> };

for (const adapter of httpAdapters) {
  describe(`routes with parameters on ${adapter.name}`, () => {
    const s = serveAppForSuite({ backends: [ParamsBackend] }, { adapter: adapter.create() });
    let server: Server;
    before(async () => {
      await s.app.listen(0, '127.0.0.1');
      server = s.app.getHttpServer() as Server;
    });

    test('the handler sees request.params, percent-decoded', async () => {
      const res = await rawRequest(server, 'GET', '/models/resnet/predict');
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(json(res.body), {
        served: 'predict',
        params: { model: 'resnet' },
        path: '/models/resnet/predict',
      });
      const spaced = json((await rawRequest(server, 'GET', '/models/a%20b%C3%A9/predict')).body);
      assert.deepEqual(spaced.params, { model: 'a bé' });
      const two = json((await rawRequest(server, 'GET', '/users/u1/items/i%3F2')).body);
      assert.deepEqual(two, { served: 'item', params: { user: 'u1', item: 'i?2' } });
    });

    test('a static route wins over a parameterised one', async () => {
      const res = json((await rawRequest(server, 'GET', '/models/special/predict')).body);
      assert.deepEqual(res, { served: 'special', params: {} });
    });

    test('an encoded slash in a parameter reaches no endpoint; an empty parameter neither', async () => {
      assert.equal((await rawRequest(server, 'GET', '/models/a%2Fb/predict')).status, 404);
      assert.equal((await rawRequest(server, 'GET', '/models//predict')).status, 404);
      assert.equal((await rawRequest(server, 'GET', '/models/a/b/predict')).status, 404);
    });

    test('405 with Allow on a parameterised route', async () => {
      const res = await rawRequest(server, 'DELETE', '/models/x/predict');
      assert.equal(res.status, 405);
      assert.equal(res.headers.allow, 'GET, HEAD, POST');
    });

    test('a runtime endpoint with parameters works at once; an ambiguous one is refused naming both', async () => {
      await s.serve.createEndpoint('runtime', { backend: 'ParamsBackend', route: '/runtime/:id/predict' });
      const res = await rawRequest(server, 'GET', '/runtime/7/predict');
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(json(res.body).params, { id: '7' });
      await assert.rejects(
        s.serve.createEndpoint('clash', { backend: 'ParamsBackend', route: '/runtime/:other/predict' }),
        (err: Error) => /'\/runtime\/:other\/predict'.*'clash'.*'\/runtime\/:id\/predict'.*'runtime'/.test(err.message),
      );
      assert.equal((await rawRequest(server, 'GET', '/runtime/8/predict')).status, 200, 'the old state is intact');
      assert.equal('clash' in s.serve.listEndpoints(), false);
    });
  });
}

test('forRoot refuses two routes that match the same paths, naming both endpoints', async () => {
  await assert.rejects(startServeApp({ backends: [AmbiguousBackend] }), (err: Error) =>
    /'\/models\/:b\/predict'.*'\/models\/:b\/predict'.*'\/models\/:a\/predict'.*'\/models\/:a\/predict'/.test(
      err.message,
    ),
  );
});
