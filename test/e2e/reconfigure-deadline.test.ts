import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isServeError } from '../../src/serve.errors';
import { HalfHangingReconfigure, SlowReconfigure } from '../fixtures/hanging-reconfigure.backends';
import { serveAppForSuite, waitFor, type ServeApp } from '../helpers/serve-app';

// Also every replica's start budget: room for a thread replica to load its TypeScript on a busy machine.
const DEADLINE_MS = 25_000;

async function versions(s: ServeApp, n = 16): Promise<Map<string, number>> {
  const answers = await Promise.all(
    Array.from({ length: n }, () =>
      s.http.get('/half-hanging').then((r) => r.body as { identity: string; version: number }),
    ),
  );
  return new Map(answers.map((a) => [a.identity, a.version]));
}

describe('a reconfigure() that never settles', () => {
  const s = serveAppForSuite({
    backends: [SlowReconfigure, HalfHangingReconfigure],
    replicaStartTimeoutMs: DEADLINE_MS,
  });
  const folder = join(tmpdir(), `reconfigure-deadline-${randomUUID()}`);
  after(() => rmSync(folder, { recursive: true, force: true }));

  test(
    'rejects after replicaStartTimeoutMs, keeps the old userConfig, frees the change lock and serves again',
    { timeout: 90_000 },
    async () => {
      const started = Date.now();
      const update = s.serve.updateBackendConfig('SlowReconfigure', { userConfig: { version: 2, hang: true } });
      const outcome = update.then(
        () => 'resolved',
        (err: unknown) => err,
      );
      const meanwhile = Promise.all(
        Array.from({ length: 4 }, () => s.http.get('/slow-reconfigure').then((r) => r.status)),
      );
      const traffic = s.serve.setTraffic('/half-hanging', { HalfHangingReconfigure: 1 });
      const error = await outcome;
      const took = Date.now() - started;
      assert.ok(isServeError(error) && error.code === 'TIMEOUT', String(error));
      assert.match(
        error.message,
        /Backend 'SlowReconfigure': reconfigure\(\) in replica SlowReconfigure#1 did not settle within 25000 ms \(replicaStartTimeoutMs\)/,
      );
      assert.ok(took >= DEADLINE_MS - 100 && took < DEADLINE_MS + 10_000, `settled after ${took} ms`);
      await traffic;
      assert.deepEqual(s.serve.listBackends().SlowReconfigure.userConfig, { version: 1 });
      for (const status of await meanwhile) assert.ok([200, 503, 504].includes(status), `answered ${status}`);
      await waitFor('the replacement serves', async () => (await s.http.get('/slow-reconfigure')).status === 200);
      const replicas = s.serve.listBackends().SlowReconfigure.replicas;
      assert.deepEqual(
        replicas.map((r) => [r.id, r.state]),
        [['SlowReconfigure#2', 'ready']],
      );
      await s.serve.updateBackendConfig('SlowReconfigure', { userConfig: { version: 3 } });
      assert.deepEqual(s.serve.getBackendConfig('SlowReconfigure').userConfig, { version: 3 });
    },
  );

  test(
    'the replicas that took the new config get the old one back; the one that hung is replaced',
    { timeout: 90_000 },
    async () => {
      const before = await versions(s);
      assert.deepEqual([...before.values()], [1, 1]);
      const error = await s.serve
        .updateBackendConfig('HalfHangingReconfigure', { userConfig: { version: 2, hangUnlessFirst: folder } })
        .catch((err: unknown) => err);
      assert.ok(isServeError(error) && error.code === 'TIMEOUT', String(error));
      assert.match(
        error.message,
        /Backend 'HalfHangingReconfigure': reconfigure\(\) in replica HalfHangingReconfigure#[12] did not settle/,
      );
      assert.deepEqual(s.serve.listBackends().HalfHangingReconfigure.userConfig, { version: 1 });
      await waitFor(
        'two ready replicas',
        () => s.serve.listBackends().HalfHangingReconfigure.replicas.filter((r) => r.state === 'ready').length === 2,
      );
      const after = await versions(s);
      assert.equal(after.size, 2);
      assert.deepEqual([...after.values()], [1, 1], 'every replica serves the old config');
      const kept = [...after.keys()].filter((id) => before.has(id));
      assert.equal(kept.length, 1, 'the replica that answered is kept, the one that hung is new');
    },
  );
});
