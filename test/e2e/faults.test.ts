import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sleep, serveAppForSuite, waitFor, type ServeApp } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { FaultBackend } from '../fixtures/fault.backend';
import { SlowStart } from '../fixtures/slow-start.backend';

interface Info {
  identity: string;
  config: { tag: string };
  pid: number;
}

type Replicas = { id: string; state: string }[];

function readyCount(s: ServeApp, backend: string): number {
  return (s.serve.listBackends()[backend].replicas as Replicas).filter((r) => r.state === 'ready').length;
}

for (const adapter of httpAdapters) {
  describe(`faults on ${adapter.name}`, () => {
    const s = serveAppForSuite(
      { backends: [FaultBackend], healthCheckPeriodMs: 200, healthCheckTimeoutMs: 2500 },
      { adapter: adapter.create() },
    );

    for (const kind of ['escape', 'exit', 'oom'] as const) {
      test(`a replica that dies (${kind}): in-flight 503 within a second, queued requests served, replacement gets the current userConfig`, async (t) => {
        const tag = `after-${kind}`;
        await s.serve.updateBackendConfig('FaultBackend', { userConfig: { tag } });
        const restartsBefore = s.serve.listBackends().FaultBackend.restarts as number;
        const started = Date.now();
        const crash = s.http
          .get('/fault')
          .set('x-serve-call-method', kind)
          .then((r) => ({ status: r.status, ms: Date.now() - started, body: r.body }));
        await sleep(5);
        const queued = Array.from({ length: 6 }, () =>
          s.http
            .post('/fault')
            .set('x-serve-call-method', 'slow')
            .send({ ms: 50 })
            .then((r) => (r.status === 200 ? 200 : r.text)),
        );
        const crashed = await crash;
        assert.equal(crashed.status, 503, JSON.stringify(crashed.body));
        assert.match(crashed.body.message, /Replica FaultBackend#\d+ stopped while handling the request/);
        assert.ok(crashed.ms < (kind === 'oom' ? 3000 : 1000), `answered after ${crashed.ms} ms`);
        assert.deepEqual(await Promise.all(queued), Array(6).fill(200));
        await waitFor(
          'the replacement',
          () =>
            readyCount(s, 'FaultBackend') === 2 &&
            (s.serve.listBackends().FaultBackend.restarts as number) > restartsBefore,
        );
        const seen = await Promise.all(
          Array.from({ length: 8 }, () =>
            s.http
              .get('/fault')
              .expect(200)
              .then((r) => r.body as Info),
          ),
        );
        assert.equal(new Set(seen.map((i) => i.identity)).size, 2);
        for (const info of seen) assert.deepEqual(info.config, { tag });
        t.diagnostic(
          `${kind}: 15 requests sent, 15 answered: the crashed one 503 after ${crashed.ms} ms, 6 queued 200, 8 after recovery 200`,
        );
      });
    }

    test('a process replica killed with SIGKILL: in-flight 503 at once, then replaced', async () => {
      await s.serve.createBackend('pfault', FaultBackend, {
        replica: 'process',
        numReplicas: 2,
        maxConcurrentQueries: 4,
      });
      await s.serve.createEndpoint('pfault', { backend: 'pfault', route: '/pfault', methods: ['GET', 'POST'] });
      const pids = new Set(
        await Promise.all(Array.from({ length: 6 }, () => s.http.get('/pfault').then((r) => r.body.pid as number))),
      );
      assert.equal(pids.size, 2);
      const inFlight = Array.from({ length: 4 }, () =>
        s.http
          .post('/pfault')
          .set('x-serve-call-method', 'slow')
          .send({ ms: 1000 })
          .then((r) => r.status),
      );
      await sleep(300);
      const victim = [...pids][0];
      const killedAt = Date.now();
      process.kill(victim, 'SIGKILL');
      const statuses = await Promise.all(inFlight);
      assert.deepEqual(
        [...statuses].sort(),
        [200, 200, 503, 503],
        "the killed replica's requests answer 503, the other's complete",
      );
      assert.ok(Date.now() - killedAt < 2500);
      await waitFor('the replacement', () => readyCount(s, 'pfault') === 2);
      const after = new Set(
        await Promise.all(Array.from({ length: 6 }, () => s.http.get('/pfault').then((r) => r.body.pid as number))),
      );
      assert.ok(!after.has(victim));
      assert.equal(
        after.size,
        2,
        `pids ${[...pids]} → ${[...after]}; statuses ${statuses}; ${JSON.stringify(s.serve.listBackends().pfault)}`,
      );
      await s.serve.deleteEndpoint('pfault');
      await s.serve.deleteBackend('pfault');
    });

    test('a replica stuck in a busy loop: the request answers 504, the replica is replaced, the backend keeps serving', async () => {
      const restartsBefore = s.serve.listBackends().FaultBackend.restarts as number;
      const started = Date.now();
      const stuck = await s.http.get('/fault').set('x-serve-call-method', 'spin');
      assert.equal(stuck.status, 504);
      assert.match(stuck.body.message, /did not answer within 1500 ms/);
      const counts = s.serve.listBackends().FaultBackend.requests as { timedOut: number; replicaLost: number };
      assert.ok(counts.timedOut >= 1 && counts.replicaLost >= 3, JSON.stringify(counts));
      assert.ok(Date.now() - started < 2500);
      await s.http.get('/fault').expect(200);
      await waitFor(
        'the stuck replica to be replaced',
        () =>
          (s.serve.listBackends().FaultBackend.restarts as number) > restartsBefore &&
          readyCount(s, 'FaultBackend') === 2,
      );
    });

    test('an update whose scale-up fails rejects and leaves userConfig, limits and replicas as they were', async () => {
      const flag = join(tmpdir(), `nestjs-serve-partial-${process.pid}`);
      rmSync(flag, { force: true });
      await s.serve.createBackend('partial', FaultBackend, { numReplicas: 1, initArgs: [flag] });
      await s.serve.createEndpoint('partial', { backend: 'partial', route: '/partial' });
      const before = s.serve.getBackendConfig('partial');
      writeFileSync(flag, 'x');
      await assert.rejects(
        s.serve.updateBackendConfig('partial', { userConfig: { tag: 'new' }, numReplicas: 2, maxQueuedRequests: 7 }),
        /constructor blocked/,
      );
      rmSync(flag);
      assert.deepEqual(s.serve.getBackendConfig('partial'), before);
      assert.deepEqual((await s.http.get('/partial').expect(200)).body.config, { tag: 'v1' });
      assert.equal(readyCount(s, 'partial'), 1);
      await s.serve.deleteEndpoint('partial');
      await s.serve.deleteBackend('partial');
    });

    test('a backend whose constructor keeps failing restarts with backoff, shows it, and recovers once the cause is gone', async () => {
      const flag = join(tmpdir(), `nestjs-serve-flag-${process.pid}`);
      rmSync(flag, { force: true });
      await s.serve.createBackend('flaky', FaultBackend, {
        numReplicas: 1,
        initArgs: [flag],
        requestTimeoutMs: 20_000,
      });
      await s.serve.createEndpoint('flaky', { backend: 'flaky', route: '/flaky', methods: ['GET', 'POST'] });
      writeFileSync(flag, 'x');
      await s.http.get('/flaky').set('x-serve-call-method', 'exit').expect(503);
      await waitFor('failures', () => (s.serve.listBackends().flaky.consecutiveFailures as number) >= 3);
      const state = s.serve.listBackends().flaky;
      assert.match(String(state.lastError), /constructor blocked/);
      assert.equal(readyCount(s, 'flaky'), 0);
      const failuresAfter2s = await sleep(2000).then(() => s.serve.listBackends().flaky.consecutiveFailures as number);
      assert.ok(failuresAfter2s <= 7, `no hot loop: ${failuresAfter2s} failures`);
      const waiting = s.http.get('/flaky').then((r) => r.status);
      rmSync(flag);
      assert.equal(await waiting, 200, 'a request queued during the outage is served after recovery');
      assert.equal(s.serve.listBackends().flaky.status, 'running');
    });
  });
}

describe('scale-down after a crash', () => {
  const s: ServeApp = serveAppForSuite({ backends: [] });

  test('a scale-down right after a process replica was killed keeps the ready replica, not the one still starting', async (t) => {
    await s.serve.createBackend('slowstart', SlowStart, { numReplicas: 2, initArgs: [3000] });
    await s.serve.createEndpoint('slowstart', { backend: 'slowstart', route: '/slowstart' });
    const readyAt = Date.now();
    const pids = new Set(
      await Promise.all(Array.from({ length: 6 }, () => s.http.get('/slowstart').then((r) => r.body.pid as number))),
    );
    assert.equal(pids.size, 2);
    // Replicas that ran 5 s are stable: the replacement of a killed one starts at once.
    await sleep(5200 - (Date.now() - readyAt));
    const [victim, survivor] = [...pids];
    process.kill(victim, 'SIGKILL');
    await sleep(100);
    const states = () => (s.serve.listBackends().slowstart.replicas as Replicas).map((r) => r.state).sort();
    assert.deepEqual(states(), ['ready', 'starting']);
    const scaleStarted = Date.now();
    await s.serve.updateBackendConfig('slowstart', { numReplicas: 1 });
    const scaleMs = Date.now() - scaleStarted;
    assert.deepEqual(states(), ['ready']);
    const askedAt = Date.now();
    const answer = await s.http.get('/slowstart').expect(200);
    const answerMs = Date.now() - askedAt;
    assert.equal(answer.body.pid, survivor, 'the replica that served before still serves');
    assert.ok(answerMs < 1000, `the next request waited ${answerMs} ms`);
    t.diagnostic(`scale-down to 1 took ${scaleMs} ms; the next request answered in ${answerMs} ms by pid ${survivor}`);
    await s.serve.deleteEndpoint('slowstart');
    await s.serve.deleteBackend('slowstart');
  });
});
