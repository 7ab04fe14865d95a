import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveAppForSuite, type ServeApp } from '../helpers/serve-app';
import { ConfigBackend } from '../fixtures/config.backend';

interface State {
  identity: string;
  config: { factor: number };
  reconfigures: number;
  overlaps: number;
}

async function states(s: ServeApp, n = 24): Promise<Map<string, State>> {
  const all = await Promise.all(
    Array.from({ length: n }, () =>
      s.http
        .get('/config')
        .expect(200)
        .then((r) => r.body as State),
    ),
  );
  return new Map(all.map((st) => [st.identity, st]));
}

describe('user config and scaling', () => {
  const s = serveAppForSuite({ backends: [ConfigBackend] });

  test('every replica is configured before its first request', async () => {
    const seen = await states(s);
    assert.equal(seen.size, 2);
    for (const st of seen.values()) assert.deepEqual(st.config, { factor: 1 });
  });

  test('updateBackendConfig({ userConfig }) reconfigures every replica without restarting any', async () => {
    const before = await states(s);
    await s.serve.updateBackendConfig('ConfigBackend', { userConfig: { factor: 2 } });
    const after = await states(s);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'same replica identities');
    for (const st of after.values()) {
      assert.deepEqual(st.config, { factor: 2 });
      assert.equal(st.reconfigures, 2);
    }
    assert.deepEqual(s.serve.getBackendConfig('ConfigBackend').userConfig, { factor: 2 });
  });

  test('a request never runs while its replica is in reconfigure, and none fails meanwhile', async () => {
    const load = Promise.all(Array.from({ length: 60 }, () => s.http.get('/config').then((r) => r.status)));
    await s.serve.updateBackendConfig('ConfigBackend', { userConfig: { factor: 3, delayMs: 50 } });
    assert.deepEqual(new Set(await load), new Set([200]));
    for (const st of (await states(s)).values()) assert.equal(st.overlaps, 0);
  });

  test('a reconfigure that throws rejects and restores the previous config everywhere', async () => {
    await assert.rejects(
      s.serve.updateBackendConfig('ConfigBackend', { userConfig: { factor: 9, failWith: 'bad factor' } }),
      /ConfigBackend.*reconfigure\(\) failed.*bad factor/,
    );
    assert.equal(
      s.serve.getBackendConfig('ConfigBackend').userConfig &&
        (s.serve.getBackendConfig('ConfigBackend').userConfig as State['config']).factor,
      3,
    );
    for (const st of (await states(s)).values()) assert.equal(st.config.factor, 3);
    await assert.rejects(
      s.serve.updateBackendConfig('ConfigBackend', {
        userConfig: { factor: 9, failWith: 'bad again' },
        numReplicas: 3,
        maxQueuedRequests: 5,
      }),
      /bad again/,
    );
    assert.equal(s.serve.getBackendConfig('ConfigBackend').numReplicas, 2);
    assert.equal(s.serve.getBackendConfig('ConfigBackend').maxQueuedRequests, 1000);
    assert.equal(
      (s.serve.listBackends().ConfigBackend.replicas as unknown[]).length,
      2,
      'the replica added for the update was removed again',
    );
    for (const st of (await states(s)).values()) assert.equal(st.config.factor, 3);
  });

  test('scaling up starts replicas with the current userConfig; scaling down keeps the oldest', async () => {
    const original = [...(await states(s)).keys()];
    await s.serve.updateBackendConfig('ConfigBackend', { numReplicas: 4 });
    assert.equal((s.serve.listBackends().ConfigBackend.replicas as unknown[]).length, 4);
    const up = await states(s, 60);
    assert.equal(up.size, 4);
    for (const st of up.values()) assert.equal(st.config.factor, 3);
    await s.serve.updateBackendConfig('ConfigBackend', { numReplicas: 1 });
    const down = await states(s, 10);
    assert.equal(down.size, 1);
    assert.ok(original.includes([...down.keys()][0]), 'the oldest replica stays');
    assert.equal(s.serve.getBackendConfig('ConfigBackend').numReplicas, 1);
  });

  test('invalid updates reject naming the option and change nothing', async () => {
    const before = s.serve.getBackendConfig('ConfigBackend');
    await assert.rejects(
      s.serve.updateBackendConfig('ConfigBackend', { numReplicas: 0 }),
      /option 'numReplicas' is 0; expected an integer >= 1/,
    );
    await assert.rejects(
      s.serve.updateBackendConfig('ConfigBackend', { maxConcurrentQueries: 1.5 }),
      /maxConcurrentQueries/,
    );
    await assert.rejects(
      s.serve.updateBackendConfig('ConfigBackend', { numReplica: 2 } as never),
      /unknown option 'numReplica'/,
    );
    await assert.rejects(
      s.serve.updateBackendConfig('ConfigBackend', { userConfig: { f: () => 1 } }),
      /plain JSON.*userConfig\.f is a function/,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(s.serve.updateBackendConfig('ConfigBackend', { userConfig: cyclic }), /cycle/);
    await assert.rejects(
      s.serve.updateBackendConfig('ConfigBackend', { userConfig: JSON.parse('{"__proto__": {"x": 1}}') }),
      /__proto__/,
    );
    await assert.rejects(s.serve.updateBackendConfig('Ghost', { numReplicas: 2 }), /Backend 'Ghost' does not exist/);
    assert.deepEqual(s.serve.getBackendConfig('ConfigBackend'), before);
  });
});
