import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sleep, startServeApp, type ServeApp } from '../helpers/serve-app';
import { SlowLoadMux } from '../fixtures/slow-load.backend';

describe('many models: a caller who leaves while its model loads', () => {
  let s: ServeApp;
  before(async () => {
    s = await startServeApp({ backends: [SlowLoadMux] });
    await s.app.listen(0, '127.0.0.1');
  });
  after(() => s?.close());

  test('is not served: the handler never runs for it once the model is loaded', async () => {
    const { port } = s.app.getHttpServer().address() as AddressInfo;
    const left = request({
      host: '127.0.0.1',
      port,
      path: '/slow-load',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-serve-model-id': 'left' },
    });
    left.on('error', () => undefined);
    left.end('{}');
    await sleep(150);
    left.destroy();
    await sleep(700);
    const ran = await s.http.get('/slow-load/ran').set('x-serve-model-id', 'left').expect(200);
    assert.deepEqual(ran.body, [], 'the handler ran for a caller who had left');
    await s.http.post('/slow-load').set('x-serve-model-id', 'stays').send({}).expect(200);
    const after = await s.http.get('/slow-load/ran').set('x-serve-model-id', 'left').expect(200);
    assert.deepEqual(after.body, ['stays']);
  });
});
