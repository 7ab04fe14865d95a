import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { startServeApp, waitFor } from '../helpers/serve-app';
import { SlowShadow } from '../fixtures/traffic.backends';
import { SHADOW_DRAIN_TIMEOUT_MS } from '../../src/serve.constants';
import { httpAdapters } from '../helpers/http-adapters';
import { FaultBackend } from '../fixtures/fault.backend';

interface Running {
  child: ChildProcess;
  base: string;
  lines: AsyncIterableIterator<string>;
}

async function startStandalone(adapter: string): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, '../fixtures/standalone-app.ts')],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, TEST_ADAPTER: adapter },
    },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  const { port } = JSON.parse(first.value);
  return { child, base: `http://127.0.0.1:${port}`, lines };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function replicaPids(base: string): Promise<number[]> {
  const answers = await Promise.all(
    Array.from({ length: 8 }, () => fetch(`${base}/process`).then((r) => r.json() as Promise<{ pid: number }>)),
  );
  return [...new Set(answers.map((a) => a.pid))];
}

for (const adapter of httpAdapters) {
  describe(`lifecycle on ${adapter.name}`, () => {
    test('SIGTERM answers every request in flight, then stops all replicas and the process exits', async () => {
      const app = await startStandalone(adapter.name);
      const pids = await replicaPids(app.base);
      assert.equal(pids.length, 2);
      const inFlight = Array.from({ length: 10 }, () =>
        fetch(`${app.base}/echo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-serve-call-method': 'slow' },
          body: JSON.stringify({ ms: 1000 }),
        }).then(async (r) => ({ status: r.status, connection: r.headers.get('connection'), body: await r.json() })),
      );
      const deadline = Date.now() + 5000;
      while (
        (await fetch(`${app.base}/in-flight`).then((r) => r.json() as Promise<{ inFlight: number }>)).inFlight < 10
      ) {
        assert.ok(Date.now() < deadline, 'the 10 requests never were all in flight');
        await new Promise((r) => setTimeout(r, 10));
      }
      app.child.kill('SIGTERM');
      const answers = await Promise.all(inFlight);
      assert.deepEqual(
        answers.map((a) => a.status),
        Array(10).fill(200),
      );
      assert.deepEqual(
        answers.map((a) => a.connection),
        Array(10).fill('close'),
        'answers during the drain close their connections',
      );
      const [code] = await once(app.child, 'exit');
      assert.ok(code === 0 || code === null, `exit code ${code}`);
      for (const pid of pids) assert.equal(alive(pid), false, `replica process ${pid} survived`);
    });

    test('app.close() leaves no thread or process behind: the host exits by itself', async () => {
      const app = await startStandalone(adapter.name);
      const pids = await replicaPids(app.base);
      app.child.stdin!.write('close\n');
      assert.equal((await app.lines.next()).value, 'closed');
      const exited = once(app.child, 'exit');
      const timer = setTimeout(() => app.child.kill('SIGKILL'), 5000);
      const [code, signal] = await exited;
      clearTimeout(timer);
      assert.equal(signal, null, 'the host had to be killed: something kept it alive after app.close()');
      assert.equal(code, 0);
      for (const pid of pids) assert.equal(alive(pid), false);
    });
  });
}

describe('forced shutdown', () => {
  test('a replica that ignores the stop (busy loop) is killed after the grace period; its request answers 503', async () => {
    const s = await startServeApp({ backends: [], gracefulShutdownTimeoutMs: 500, replicaStopTimeoutMs: 500 });
    await s.serve.createBackend('stuck', FaultBackend, {
      replica: 'process',
      numReplicas: 1,
      requestTimeoutMs: 60_000,
    });
    await s.serve.createEndpoint('stuck', { backend: 'stuck', route: '/stuck' });
    const pid = (await s.http.get('/stuck').expect(200)).body.pid as number;
    const hung = s.http
      .get('/stuck')
      .set('x-serve-call-method', 'spin')
      .then((r) => r.status);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await s.close();
    const took = Date.now() - started;
    assert.equal(await hung, 503);
    assert.ok(took < 3000, `close took ${took} ms`);
    assert.equal(alive(pid), false, 'the stuck replica process was killed');
    await assert.rejects(s.serve.setTraffic('stuck', { stuck: 1 }), /shut down/);
    await assert.rejects(s.serve.getHandle('stuck').remote({}), /shut down/);
  });

  test('app.close() drops queued shadow copies, waits for one in flight only briefly, and still drains primaries in full', async (t) => {
    const s = await startServeApp({ backends: [] });
    await s.serve.createBackend('primary', FaultBackend, {
      numReplicas: 1,
      maxConcurrentQueries: 4,
      requestTimeoutMs: 60_000,
    });
    await s.serve.createBackend('slowshadow', SlowShadow, { numReplicas: 1 });
    await s.serve.createEndpoint('mirrored', { backend: 'primary', route: '/mirrored', methods: ['GET', 'POST'] });
    await s.serve.shadowTraffic('mirrored', 'slowshadow', 1);
    for (let i = 0; i < 11; i++) await s.http.get('/mirrored').expect(200);
    await waitFor('10 queued shadow copies', () => s.serve.listBackends().slowshadow.queued === 10);
    const primary = s.http
      .post('/mirrored')
      .set('x-serve-call-method', 'slow')
      .send({ ms: 1500 })
      .then((r) => r.status);
    await waitFor('the slow primary in flight', () => s.serve.listBackends().primary.inFlight === 1);
    const started = Date.now();
    await s.close();
    const took = Date.now() - started;
    assert.equal(await primary, 200, 'a primary in flight is drained in full');
    assert.ok(took >= 1300, `close took ${took} ms: it did not wait for the primary`);
    assert.ok(took < 1500 + SHADOW_DRAIN_TIMEOUT_MS + 1000, `close took ${took} ms`);
    t.diagnostic(`app.close() with 10 queued shadow copies (1.5 s each) and a 1.5 s primary in flight: ${took} ms`);
  });
});
