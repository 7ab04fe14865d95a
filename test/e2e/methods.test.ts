import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { before, describe, test } from 'node:test';
import { serveAppForSuite } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { rawRequest } from '../helpers/raw-http';
import { MethodsBackend } from '../fixtures/methods.backend';

for (const adapter of httpAdapters) {
  describe(`HEAD and X-Serve-Call-Method on ${adapter.name}`, () => {
    const s = serveAppForSuite({ backends: [MethodsBackend] }, { adapter: adapter.create() });
    let server: Server;
    before(async () => {
      await s.app.listen(0, '127.0.0.1');
      server = s.app.getHttpServer() as Server;
    });

    test('HEAD on a GET endpoint runs the handler and answers as GET without a body', async () => {
      const get = await rawRequest(server, 'GET', '/counted');
      const head = await rawRequest(server, 'HEAD', '/counted');
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
      assert.equal(head.headers['content-type'], get.headers['content-type']);
      assert.equal(head.headers['content-length'], get.headers['content-length']);
      const last = JSON.parse((await rawRequest(server, 'GET', '/counted', { 'x-serve-call-method': 'last' })).body);
      assert.equal(last.calls, JSON.parse(get.body).calls + 1, 'the handler ran for HEAD');
      assert.equal(last.method, 'HEAD', 'the handler sees the HEAD method, as an Express GET route does');
    });

    test('HEAD on a text endpoint keeps its content-type and length', async () => {
      const get = await rawRequest(server, 'GET', '/counted-text');
      const head = await rawRequest(server, 'HEAD', '/counted-text');
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
      assert.match(String(head.headers['content-type']), /^text\/plain/);
      assert.equal(head.headers['content-length'], get.headers['content-length']);
    });

    test('Allow lists HEAD where GET is allowed; HEAD on a POST-only endpoint is a 405', async () => {
      const put = await rawRequest(server, 'PUT', '/counted');
      assert.equal(put.status, 405);
      assert.equal(put.headers.allow, 'GET, HEAD');
      const head = await rawRequest(server, 'HEAD', '/post-only');
      assert.equal(head.status, 405);
      assert.equal(head.headers.allow, 'POST');
    });

    test('an unknown X-Serve-Call-Method is a 400 that names none of the backend methods', async () => {
      const res = await rawRequest(server, 'GET', '/counted', { 'x-serve-call-method': 'nope' });
      assert.equal(res.status, 400);
      const { message } = JSON.parse(res.body) as { message: string };
      assert.match(message, /Backend 'MethodsBackend' has no method 'nope'/);
      for (const name of ['internalSecretMethod', 'last', 'counted', 'postOnly'])
        assert.doesNotMatch(message, new RegExp(name));
    });
  });

  describe(`X-Serve-Call-Method with exposeErrors on ${adapter.name}`, () => {
    const s = serveAppForSuite({ backends: [MethodsBackend], exposeErrors: true }, { adapter: adapter.create() });

    test('the 400 lists the methods that can be called', async () => {
      const res = await s.http.get('/counted').set('x-serve-call-method', 'nope').expect(400);
      assert.match(res.body.message, /has no method 'nope'; its methods: .*'internalSecretMethod'/);
    });
  });
}
