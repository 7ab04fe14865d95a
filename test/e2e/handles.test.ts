import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getHandle } from '../../src';
import { serveAppForSuite, startServeApp } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { Pipeline } from '../fixtures/composition.backend';
import { VersionA, VersionB } from '../fixtures/traffic.backends';

for (const adapter of httpAdapters) {
  describe(`handles and model composition on ${adapter.name}`, () => {
    const s = serveAppForSuite({ backends: [VersionA, VersionB, Pipeline] }, { adapter: adapter.create() });

    test('a backend calls another endpoint through getHandle() inside its replica', async () => {
      await s.serve.setTraffic('split', { VersionB: 1 });
      const res = await s.http.post('/pipeline').send({ text: 'hi' }).expect(200);
      assert.deepEqual(res.body, { pipeline: true, inner: { version: 'B', body: { from: 'pipeline', text: 'hi' } } });
    });

    test('composition follows the inner endpoint traffic policy', async () => {
      await s.serve.setTraffic('split', { VersionA: 0.5, VersionB: 0.5 });
      const versions = await Promise.all(
        Array.from({ length: 60 }, () =>
          s.http
            .post('/pipeline')
            .send({ text: 'x' })
            .then((r) => r.body.inner.version),
        ),
      );
      assert.deepEqual(new Set(versions), new Set(['A', 'B']));
    });

    test('the exported getHandle() also works in the host, and shard keys stick', async () => {
      const handle = getHandle('split');
      const first = await handle.remote<{ version: string }>({}, { shardKey: 'tenant-7' });
      for (let i = 0; i < 10; i++)
        assert.equal((await handle.remote<{ version: string }>({}, { shardKey: 'tenant-7' })).version, first.version);
    });

    test('a handle payload that cannot cross from a replica rejects there, and the replica stays usable', async () => {
      const res = await s.http.post('/pipeline').set('x-serve-call-method', 'unsendable').send({}).expect(200);
      assert.equal(res.body.failed, true);
      assert.match(res.body.message, /handle payload cannot be sent/);
      await s.serve.updateBackendConfig('Pipeline', { userConfig: { after: 'unsendable' } });
      const again = await s.http.post('/pipeline').set('x-serve-call-method', 'unsendable').send({}).expect(200);
      assert.deepEqual(again.body.config, { after: 'unsendable' });
    });

    test('a handle on an endpoint deleted since rejects with a clear error', async () => {
      await s.serve.createEndpoint('temp', { backend: 'VersionA', route: '/temp' });
      const handle = s.serve.getHandle('temp');
      await s.serve.deleteEndpoint('temp');
      await assert.rejects(handle.remote({}), /Endpoint 'temp' does not exist/);
    });
  });

  describe(`composition during shutdown on ${adapter.name}`, () => {
    test('a request in flight when shutdown starts may still call other endpoints', async () => {
      const s = await startServeApp(
        { backends: [VersionA, VersionB, Pipeline], gracefulShutdownTimeoutMs: 5000 },
        { adapter: adapter.create() },
      );
      const inFlight = s.http
        .post('/pipeline')
        .set('x-serve-call-method', 'late')
        .send({ ms: 300 })
        .then((r) => ({ status: r.status, body: r.body }));
      await new Promise((r) => setTimeout(r, 100));
      const closing = s.close();
      const answer = await inFlight;
      await closing;
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.body, { late: true });
    });
  });
}
