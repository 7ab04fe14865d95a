import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import autocannon from 'autocannon';
import { sleep, startServeApp, type ServeApp } from '../helpers/serve-app';
import { LiveSpare, LiveV1, LiveV2, TightBackend } from '../fixtures/live.backends';

function load(url: string, seconds: number, connections = 8): Promise<autocannon.Result> {
  return autocannon({ url, duration: seconds, connections, timeout: 5 });
}

describe('under load', () => {
  let s: ServeApp;
  let base: string;
  before(async () => {
    s = await startServeApp({ backends: [LiveV1, LiveV2, LiveSpare, TightBackend] });
    await s.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(s.app.getHttpServer().address() as { port: number }).port}`;
  });
  after(() => s.close());

  test('canary 0→100% in ten steps, userConfig updates, scaling 1→4→1, spare backend re-created: zero failed requests', async (t) => {
    const running = load(`${base}/live`, 9);
    const steps: string[] = [];
    for (let i = 1; i <= 10; i++) {
      await s.serve.setTraffic('live', { LiveV1: 1 - i / 10, LiveV2: i / 10 });
      await s.serve.updateBackendConfig(i % 2 ? 'LiveV1' : 'LiveV2', { userConfig: { n: i } });
      if (i === 3) await s.serve.updateBackendConfig('LiveV2', { numReplicas: 4 });
      if (i === 5) {
        await s.serve.shadowTraffic('live', 'LiveSpare', 0.5);
        await sleep(100);
        await s.serve.shadowTraffic('live', 'LiveSpare', 0);
        await s.serve.deleteBackend('LiveSpare');
        await s.serve.createBackend('LiveSpare', LiveSpare);
        await s.serve.shadowTraffic('live', 'LiveSpare', 0.2);
      }
      if (i === 7) await s.serve.updateBackendConfig('LiveV2', { numReplicas: 1 });
      steps.push(JSON.stringify(s.serve.listEndpoints().live.traffic));
      await sleep(400);
    }
    const result = await running;
    t.diagnostic(
      `live changes: ${result.requests.total} requests, ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, p99 ${result.latency.p99} ms`,
    );
    assert.equal(steps.length, 10);
    assert.deepEqual(s.serve.listEndpoints().live.traffic, { LiveV1: 0, LiveV2: 1 });
    assert.ok(result.requests.total > 1000, `only ${result.requests.total} requests`);
    assert.equal(result.errors, 0, 'connection errors');
    assert.equal(result.timeouts, 0, 'timeouts');
    assert.equal(result.non2xx, 0, `${result.non2xx} of ${result.requests.total} requests failed`);
    const last = await s.http.get('/live').expect(200);
    assert.equal(last.body.version, 'v2');
  });

  test('a slow reconfigure is rolling: the backend stays available and fast', async (t) => {
    await s.serve.setTraffic('live', { LiveV1: 1 });
    const running = load(`${base}/live`, 3, 4);
    await sleep(300);
    const started = Date.now();
    await s.serve.updateBackendConfig('LiveV1', { userConfig: { n: 99, delayMs: 500 } });
    const took = Date.now() - started;
    const result = await running;
    t.diagnostic(
      `rolling reconfigure (${took} ms): ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
    );
    assert.ok(took >= 1000, `both replicas reconfigured one after the other (${took} ms)`);
    assert.equal(result.non2xx + result.errors + result.timeouts, 0);
    assert.ok(result.latency.p99 < 250, `p99 ${result.latency.p99} ms while a replica spent 500 ms in reconfigure`);
  });

  test('overload: beyond the queue bound callers get 503 with Retry-After at once; accepted ones keep a bounded latency', async (t) => {
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        s.http.get('/tight').then((r) => ({
          status: r.status,
          retryAfter: r.headers['retry-after'],
          ms: Date.now() - started,
          message: r.body.message as string,
        })),
      ),
    );
    const ok = answers.filter((a) => a.status === 200);
    const rejected = answers.filter((a) => a.status === 503);
    t.diagnostic(
      `overload burst: 40 sent, ${ok.length} accepted, ${rejected.length} rejected 503, ${40 - ok.length - rejected.length} other`,
    );
    assert.equal(ok.length + rejected.length, 40);
    assert.ok(ok.length >= 6, `${ok.length} accepted`);
    assert.ok(rejected.length >= 20, `${rejected.length} rejected`);
    for (const r of rejected) {
      assert.equal(r.retryAfter, '1');
      assert.match(r.message, /Backend 'TightBackend' is saturated/);
    }
    assert.ok(Math.max(...ok.map((a) => a.ms)) < 1500, 'accepted requests finished in bounded time');
    assert.ok(Math.min(...rejected.map((a) => a.ms)) < 300, 'rejections are immediate');
    const state = s.serve.listBackends().TightBackend;
    assert.equal(state.queued, 0);
    assert.deepEqual(state.requests, {
      succeeded: ok.length,
      failed: 0,
      timedOut: 0,
      rejected: rejected.length,
      replicaLost: 0,
      cancelled: 0,
    });
  });
});
