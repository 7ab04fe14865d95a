import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveAppForSuite } from '../helpers/serve-app';
import { Recorder, VersionA, VersionB } from '../fixtures/traffic.backends';
import { EchoBackend } from '../fixtures/echo.backend';

describe('ServeService at run time', () => {
  const s = serveAppForSuite({ backends: [VersionA] });

  test('createBackend + createEndpoint serve a new route at once; deleteEndpoint removes it', async () => {
    await s.http.get('/records').expect(404);
    await s.serve.createBackend('rec', Recorder, { numReplicas: 2 });
    await s.serve.createEndpoint('records', { backend: 'rec', route: '/records', methods: ['GET', 'POST'] });
    const res = await s.http.post('/records').expect(200);
    assert.equal(res.body.version, 'R');
    assert.deepEqual(s.serve.listEndpoints().records, {
      route: '/records',
      methods: ['GET', 'POST'],
      traffic: { rec: 1 },
      shadows: {},
    });
    assert.equal(s.serve.listBackends().rec.numReplicas, 2);
    assert.equal(
      (s.serve.listBackends().rec.replicas as { state: string }[]).filter((r) => r.state === 'ready').length,
      2,
    );
    await s.serve.deleteEndpoint('records');
    await s.http.get('/records').expect(404);
  });

  test('the same class can back two named backends with different configs', async () => {
    await s.serve.createBackend('echo-a', EchoBackend, { numReplicas: 1, userConfig: { greeting: 'a' } });
    await s.serve.createBackend('echo-b', EchoBackend, {
      numReplicas: 1,
      userConfig: { greeting: 'b' },
      initArgs: ['x'],
    });
    await s.serve.createEndpoint('greet', { backend: 'echo-a', route: '/greet' });
    assert.equal((await s.http.get('/greet').expect(200)).body.greeting, 'a');
    await s.serve.setTraffic('greet', { 'echo-b': 1 });
    const b = (await s.http.get('/greet').expect(200)).body;
    assert.equal(b.greeting, 'b');
    assert.deepEqual(b.args, ['x']);
  });

  test('duplicates, unknown names and bad routes are rejected and nothing changes', async () => {
    const backends = Object.keys(s.serve.listBackends());
    const endpoints = s.serve.listEndpoints();
    await assert.rejects(s.serve.createBackend('VersionA', VersionB), /Backend 'VersionA' already exists/);
    await assert.rejects(s.serve.createBackend('x', class NotDecorated {} as never), /not a backend class.*@Backend/);
    await assert.rejects(s.serve.createBackend('y', Recorder, { numReplicas: -1 }), /numReplicas/);
    await assert.rejects(
      s.serve.createEndpoint('greet', { backend: 'echo-a', route: '/other' }),
      /Endpoint 'greet' already exists/,
    );
    await assert.rejects(
      s.serve.createEndpoint('greet2', { backend: 'echo-a', route: '/greet' }),
      /Route '\/greet' already belongs to endpoint 'greet'/,
    );
    await assert.rejects(
      s.serve.createEndpoint('greet3', { backend: 'ghost', route: '/g3' }),
      /Backend 'ghost' does not exist/,
    );
    await assert.rejects(s.serve.createEndpoint('greet4', { backend: 'echo-a', route: 'no-slash' }), /option 'route'/);
    await assert.rejects(
      s.serve.createEndpoint('greet5', { backend: 'echo-a', route: '/g5', methods: ['FETCH' as never] }),
      /option 'methods'/,
    );
    await assert.rejects(s.serve.deleteEndpoint('ghost'), /Endpoint 'ghost' does not exist/);
    await assert.rejects(s.serve.deleteBackend('ghost'), /Backend 'ghost' does not exist/);
    assert.throws(() => s.serve.getHandle('ghost'), /Endpoint 'ghost' does not exist/);
    assert.deepEqual(Object.keys(s.serve.listBackends()), backends);
    assert.deepEqual(s.serve.listEndpoints(), endpoints);
  });

  test('deleteBackend is refused while traffic (weight 0 included) or a shadow names it', async () => {
    await s.serve.setTraffic('greet', { 'echo-a': 0, 'echo-b': 1 });
    await assert.rejects(s.serve.deleteBackend('echo-a'), /Backend 'echo-a' is still used by endpoint\(s\) 'greet'/);
    await s.serve.setTraffic('greet', { 'echo-b': 1 });
    await s.serve.shadowTraffic('greet', 'echo-a', 0.1);
    await assert.rejects(s.serve.deleteBackend('echo-a'), /still used/);
    await s.serve.shadowTraffic('greet', 'echo-a', 0);
    await s.serve.deleteBackend('echo-a');
    assert.equal(s.serve.listBackends()['echo-a'], undefined);
    assert.equal((await s.http.get('/greet').expect(200)).body.greeting, 'b');
  });

  test('a handle calls an endpoint from Nest code through its traffic policy', async () => {
    const result = await s.serve.getHandle('greet').remote<{ body: unknown; method: string }>({ n: 1 });
    assert.deepEqual(result.body, { n: 1 });
    assert.equal(result.method, 'POST');
    const text = await s.serve.getHandle('greet').remote('ignored', { method: 'text' });
    assert.equal(text, 'plain text');
    await assert.rejects(
      s.serve.getHandle('greet').remote(null, { method: 'boom' }),
      (err: Error & { status: number }) => err.status === 500 && /echo-b/.test(err.message),
    );
  });
});
