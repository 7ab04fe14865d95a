import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import autocannon from 'autocannon';
import { sleep, startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';
import { BusyBackend } from '../fixtures/autoscale.backend';

function load(url: string, seconds: number, connections: number): Promise<autocannon.Result> {
  return autocannon({ url, duration: seconds, connections, timeout: 10 });
}

describe('autoscaling', () => {
  let s: ServeApp;
  let base: string;
  before(async () => {
    s = await startServeApp({ backends: [BusyBackend] });
    await s.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(s.app.getHttpServer().address() as { port: number }).port}`;
  });
  after(() => s.close());

  const replicas = () => s.serve.listBackends().scaled?.replicas.filter((r) => r.state === 'ready').length ?? 0;

  test('the replica count follows a step of load up and back down, with no failed request', async (t) => {
    await s.serve.createBackend('scaled', BusyBackend, {
      numReplicas: 1,
      autoscaling: {
        minReplicas: 1,
        maxReplicas: 2,
        targetOngoingRequests: 2,
        upscaleDelayMs: 300,
        downscaleDelayMs: 1500,
      },
    });
    await s.serve.createEndpoint('scaled', { backend: 'scaled', route: '/scaled' });
    const started = Date.now();
    const counts: number[] = [];
    const sampler = setInterval(() => counts.push(s.serve.getBackendConfig('scaled').numReplicas), 100);
    const busy = await load(`${base}/scaled`, 4, 8);
    const upAt = counts.indexOf(2) * 100;
    await waitFor('scale-down after the load', () => s.serve.getBackendConfig('scaled').numReplicas === 1, 6000);
    clearInterval(sampler);
    counts.push(s.serve.getBackendConfig('scaled').numReplicas);
    const changes = counts.filter((c, i) => i > 0 && c !== counts[i - 1]).length;
    t.diagnostic(
      `8 connections for 4 s: ${busy.requests.total} requests, ${busy.non2xx} non-2xx, ${busy.errors} errors; 2 replicas after ${upAt} ms; back to 1 ${Date.now() - started - 4000} ms after the load; ${changes} count changes`,
    );
    assert.equal(busy.non2xx + busy.errors + busy.timeouts, 0, 'no request failed');
    assert.ok(upAt >= 0 && upAt <= 2500, `scaled up after ${upAt} ms`);
    assert.equal(changes, 2, `one move up and one down: ${counts.join('')}`);
    assert.equal(s.serve.getBackendConfig('scaled').numReplicas, 1);
    await waitFor('the drained replica gone', () => replicas() === 1, 3000);
    await s.serve.deleteEndpoint('scaled');
    await s.serve.deleteBackend('scaled');
  });

  test('minReplicas 0: an idle backend stops its replicas, and the next request waits for one and is served', async (t) => {
    await s.serve.createBackend('zero', BusyBackend, {
      autoscaling: { minReplicas: 0, maxReplicas: 1, downscaleDelayMs: 500 },
    });
    await s.serve.createEndpoint('zero', { backend: 'zero', route: '/zero' });
    await s.http.get('/zero').expect(200);
    await waitFor('scaled to zero', () => s.serve.listBackends().zero.replicas.length === 0, 5000);
    assert.equal(s.serve.getBackendConfig('zero').numReplicas, 0);
    const started = Date.now();
    const answers = await Promise.all([s.http.get('/zero?ms=1'), s.http.get('/zero?ms=1'), s.http.get('/zero?ms=1')]);
    const took = Date.now() - started;
    t.diagnostic(`first requests after idle answered in ${took} ms (a replica started for them)`);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200],
    );
    assert.equal(s.serve.getBackendConfig('zero').numReplicas, 1);
    await s.serve.deleteEndpoint('zero');
    await s.serve.deleteBackend('zero');
  });

  test('settings are checked, merged field by field at run time, and turned off with null', async () => {
    await assert.rejects(
      s.serve.createBackend('bad', BusyBackend, { autoscaling: { minReplicas: 3, maxReplicas: 2 } }),
      /autoscaling: option 'maxReplicas' is 2; expected an integer >= minReplicas \(3\)/,
    );
    await assert.rejects(
      s.serve.createBackend('bad', BusyBackend, { autoscaling: { maxReplica: 2 } as never }),
      /unknown option 'maxReplica'/,
    );
    await s.serve.createBackend('tuned', BusyBackend, { autoscaling: { maxReplicas: 3, downscaleDelayMs: 60_000 } });
    await s.serve.updateBackendConfig('tuned', { autoscaling: { maxReplicas: 2 } });
    const config = s.serve.getBackendConfig('tuned').autoscaling!;
    assert.equal(config.maxReplicas, 2);
    assert.equal(config.downscaleDelayMs, 60_000, 'fields not given keep their value');
    await s.serve.updateBackendConfig('tuned', { autoscaling: null });
    assert.equal(s.serve.getBackendConfig('tuned').autoscaling, undefined);
    await sleep(50);
    await s.serve.deleteBackend('tuned');
  });
});
