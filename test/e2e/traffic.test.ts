import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serveAppForSuite, sleep, tally, type ServeApp } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { BrokenShadow, Recorder, VersionA, VersionB } from '../fixtures/traffic.backends';

async function versions(s: ServeApp, n: number, shardKey?: (i: number) => string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, (_, k) => {
        const req = s.http.get('/split');
        if (shardKey) req.set('x-serve-shard-key', shardKey(i + k));
        return req.expect(200).then((r) => r.body.version as string);
      }),
    );
    out.push(...batch);
  }
  return out;
}

for (const adapter of httpAdapters) {
  describe(`traffic policy on ${adapter.name}`, () => {
    const s = serveAppForSuite(
      { backends: [VersionA, VersionB, Recorder, BrokenShadow] },
      { adapter: adapter.create() },
    );

    test('decorator weights split 50/50 and listEndpoints shows the normalised traffic', async () => {
      assert.deepEqual(s.serve.listEndpoints().split, {
        route: '/split',
        methods: ['GET', 'POST'],
        traffic: { VersionA: 0.5, VersionB: 0.5 },
        shadows: {},
      });
      const counts = tally(await versions(s, 400));
      assert.ok(counts.get('A')! > 140 && counts.get('B')! > 140, `split was ${JSON.stringify([...counts])}`);
    });

    test('setTraffic switches over completely, then back', async () => {
      await s.serve.setTraffic('split', { VersionA: 0, VersionB: 1 });
      assert.deepEqual(new Set(await versions(s, 60)), new Set(['B']));
      await s.serve.setTraffic('split', { VersionA: 1 });
      assert.deepEqual(new Set(await versions(s, 60)), new Set(['A']));
      await s.serve.setTraffic('split', { VersionA: 0.5, VersionB: 0.5 });
    });

    test('a shard key sticks to one backend while the weights stay the same', async () => {
      const first = await versions(s, 60, (i) => `user-${i % 6}`);
      for (let u = 0; u < 6; u++) {
        const seen = new Set(first.filter((_, i) => i % 6 === u));
        assert.equal(seen.size, 1, `user-${u} reached ${[...seen]}`);
      }
      const keys = await versions(s, 100, (i) => `key-${i}`);
      assert.equal(new Set(keys).size, 2, 'different keys spread over both backends');
    });

    test('invalid setTraffic calls reject with a clear error and change nothing', async () => {
      const before = s.serve.listEndpoints().split;
      await assert.rejects(
        s.serve.setTraffic('split', { VersionA: 0.5, VersionB: 0.6 }),
        /sums to 1\.1; weights must sum to 1/,
      );
      await assert.rejects(
        s.serve.setTraffic('split', { VersionA: -0.5, VersionB: 1.5 }),
        /weight of backend 'VersionA' is -0\.5/,
      );
      await assert.rejects(
        s.serve.setTraffic('split', { VersionA: 0.5, Ghost: 0.5 }),
        /Backend 'Ghost' does not exist/,
      );
      await assert.rejects(s.serve.setTraffic('split', {}), /names no backend/);
      await assert.rejects(s.serve.setTraffic('nope', { VersionA: 1 }), /Endpoint 'nope' does not exist/);
      await assert.rejects(
        s.serve.setTraffic('split', { VersionA: Number.NaN, VersionB: 1 }),
        /expected a finite number/,
      );
      assert.deepEqual(s.serve.listEndpoints().split, before);
    });

    test('a shadow gets its share of requests, and setTraffic keeps it', async () => {
      await s.serve.shadowTraffic('split', 'Recorder', 0.5);
      await s.serve.setTraffic('split', { VersionA: 0.5, VersionB: 0.5 });
      assert.deepEqual(s.serve.listEndpoints().split.shadows, { Recorder: 0.5 });
      const { seen: before } = await s.serve
        .getHandle('split')
        .remote<{ seen: number }>(null, { method: 'count' })
        .catch(() => ({ seen: -1 }));
      assert.equal(before, -1, 'count is not a method of the split backends');
      const start = (await recorderCount(s)).seen;
      await versions(s, 400);
      await sleep(100);
      const seen = (await recorderCount(s)).seen - start;
      assert.ok(seen > 140 && seen < 260, `shadow saw ${seen} of 400`);
      await s.serve.shadowTraffic('split', 'Recorder', 0);
      assert.deepEqual(s.serve.listEndpoints().split.shadows, {});
    });

    test('a failing, saturated shadow never reaches or slows the caller', async () => {
      await s.serve.shadowTraffic('split', 'BrokenShadow', 1);
      const started = Date.now();
      const results = await versions(s, 100);
      assert.equal(results.length, 100);
      assert.ok(Date.now() - started < 5000);
      await s.serve.shadowTraffic('split', 'BrokenShadow', 0);
    });

    test('shadowTraffic validates its arguments', async () => {
      await assert.rejects(s.serve.shadowTraffic('split', 'Recorder', 1.5), /proportion is 1\.5/);
      await assert.rejects(s.serve.shadowTraffic('split', 'Ghost', 0.1), /Backend 'Ghost' does not exist/);
      await assert.rejects(s.serve.shadowTraffic('ghost', 'Recorder', 0.1), /Endpoint 'ghost' does not exist/);
    });
  });
}

async function recorderCount(s: ServeApp): Promise<{ seen: number }> {
  if (!s.serve.listEndpoints().recorder)
    await s.serve.createEndpoint('recorder', { backend: 'Recorder', route: '/recorder' });
  return (await s.http.get('/recorder').set('x-serve-call-method', 'count').expect(200)).body;
}
