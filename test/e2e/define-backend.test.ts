import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { defineBackend, type ServeRequest } from '../../src';
import { remoteSuite } from '../helpers/replica-host';
import { batched, composed, hello, inProcess, remoteFn, shout } from '../fixtures/function.backends';
import { hiddenBackend } from '../fixtures/function-unexported.backend';
import { serveAppForSuite, startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';

describe('defineBackend(): a function as a backend', () => {
  const s = serveAppForSuite({ backends: [hello, shout, batched] });

  test('forRoot with an endpoint option: served over HTTP by replicas (threads), named after the export', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        s.http
          .get('/fn/hello?name=ada')
          .expect(200)
          .then((r) => r.body),
      ),
    );
    for (const a of answers) assert.equal(a.hello, 'ada');
    assert.equal(answers[0].pid, process.pid);
    assert.equal(new Set(answers.map((a) => a.threadId)).size, 2, 'both replicas answer');
    assert.ok(
      answers.every((a) => a.threadId !== 0),
      'never the main thread',
    );
    const backends = s.serve.listBackends();
    assert.deepEqual(Object.keys(backends).sort(), ['batched', 'hello', 'shouter']);
    assert.equal(backends.hello.numReplicas, 2);
  });

  test('an async function, with its own name, answers text; the handle calls it without HTTP', async () => {
    const res = await s.http.post('/fn/shout').set('content-type', 'text/plain').send('hi').expect(200);
    assert.equal(res.text, 'HI!');
    assert.equal(await s.serve.getHandle('/fn/shout').remote('hey'), 'HEY!');
    await s.http.get('/fn/shout').expect(405);
  });

  test('batch: true hands the function arrays of requests, each caller gets its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, n) =>
        s.http
          .post('/fn/batch')
          .send({ n })
          .expect(200)
          .then((r) => r.body),
      ),
    );
    results.forEach((r, n) => assert.equal(r.n, n));
    assert.equal(Math.max(...results.map((r) => r.batchSize)), 8);
    assert.deepEqual(await s.serve.getHandle('/fn/batch').remote({ n: 3 }), { n: 3, batchSize: 1 });
  });

  test('createBackend + createEndpoint at run time: process replicas (replica: process)', async () => {
    await s.serve.createBackend('fn-proc', inProcess, { numReplicas: 1 });
    await s.serve.createEndpoint('fn-proc', { backend: 'fn-proc', route: '/fn/proc' });
    const res = await s.http.get('/fn/proc').expect(200);
    assert.notEqual(res.body.pid, process.pid, 'runs in a child process');
    assert.equal(s.serve.listBackends()['fn-proc'].numReplicas, 1);
    await s.serve.deleteEndpoint('fn-proc');
    await s.serve.deleteBackend('fn-proc');
  });

  test('a function backend calls another endpoint through getHandle inside its replica', async () => {
    await s.serve.createBackend('composed', composed);
    await s.serve.createEndpoint('composed', { backend: 'composed', route: '/fn/composed', methods: ['POST'] });
    const res = await s.http.post('/fn/composed').send({ x: 1 }).expect(200);
    assert.deepEqual(res.body, { inner: '[OBJECT OBJECT]!' });
  });

  test('one function backend created again under another name takes the traffic of an endpoint', async () => {
    await s.serve.createBackend('hello-b', hello, { numReplicas: 1 });
    await s.serve.setTraffic('/fn/hello', { hello: 0, 'hello-b': 1 });
    const res = await s.http.get('/fn/hello?name=b').expect(200);
    assert.equal(res.body.hello, 'b');
    assert.equal(s.serve.listBackends()['hello-b'].numReplicas, 1);
    await s.serve.setTraffic('/fn/hello', { hello: 1, 'hello-b': 0 });
  });
});

describe('defineBackend(): bad options and exports', () => {
  const refused = (options: unknown) => startServeApp({ backends: [defineBackend(() => 1, options as never)] });

  test('unknown options are refused with the closest name when the app starts', async () => {
    await assert.rejects(
      refused({ numReplica: 2 }),
      /defineBackend\(\) at .*define-backend\.test\.ts:\d+:\d+: unknown option 'numReplica' \(did you mean 'numReplicas'\?\)/,
    );
    await assert.rejects(refused({ endpont: { route: '/x' } }), /did you mean 'endpoint'\?/);
    await assert.rejects(
      refused({ endpoint: { route: '/x', method: ['GET'] } }),
      /endpoint: unknown option 'method' \(did you mean 'methods'\?\)/,
    );
  });

  test('invalid values are refused naming the option; a handler that is no function at once', async () => {
    await assert.rejects(refused({ numReplicas: 0 }), /numReplicas.*an integer >= 1/);
    await assert.rejects(refused({ batch: 'yes' }), /batch.*true or false/);
    await assert.rejects(refused({ endpoint: { route: 'x' } }), /route.*a path starting with '\/'/);
    assert.throws(() => defineBackend('hello' as never), /the handler is .*expected a function/);
  });

  test('createBackend refuses bad options of a function backend too, and nothing is created', async () => {
    const s = await startServeApp({ backends: [] });
    try {
      await assert.rejects(
        s.serve.createBackend(
          'bad',
          defineBackend(() => 1, { maxBatchsize: 2 } as never),
        ),
        /unknown option 'maxBatchsize' \(did you mean 'maxBatchSize'\?\)/,
      );
      assert.deepEqual(Object.keys(s.serve.listBackends()), []);
    } finally {
      await s.close();
    }
  });

  test('a function backend its module does not export fails start-up at its source line, saying to export it', async () => {
    await assert.rejects(
      startServeApp({ backends: [hiddenBackend()] }),
      /defineBackend\(\) at .*function-unexported\.backend\.ts:3:16 is not exported from .*function-unexported\.backend\.ts: export it/,
    );
  });
});

describe('defineBackend(): remote replicas on a replica host', () => {
  const remote = remoteSuite(
    { backends: [remoteFn] },
    { modules: ['test/fixtures/function.backends.ts'], backends: ['remoteFn'], name: 'fn-host' },
  );

  test('the replica host finds the function by its export and serves it', async () => {
    const { app: s, host } = remote;
    assert.deepEqual(host.backends, ['remoteFn']);
    await waitFor('the remote replica', () =>
      (s.serve.listBackends().remoteFn?.replicas as { state: string; host: string }[]).some(
        (r) => r.state === 'ready' && r.host === 'fn-host',
      ),
    );
    await s.serve.createEndpoint('remote-fn', { backend: 'remoteFn', route: '/fn/remote' });
    const res = await s.http.get('/fn/remote').expect(200);
    assert.equal(res.body.remote, true);
    assert.deepEqual(await s.serve.getHandle('remote-fn').remote(null), res.body);
  });
});

test('ESM host (compiled package): function backends of an ES module, named after their exports', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(__dirname, '../fixtures/esm-host/function-main.mjs')],
    { timeout: 60_000 },
  );
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.deepEqual(result, { hello: { hello: 'ada', esm: true }, upper: 'HI', backends: ['esmHello', 'esmUpper'] });
});

/** Type-level: the result of defineBackend is accepted where a backend class is. */
export const typed: Parameters<ServeApp['serve']['createBackend']>[1] = defineBackend((r: ServeRequest) => r.path);
