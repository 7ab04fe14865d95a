import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Type } from '@nestjs/common';
import { startServeApp, type ServeApp } from '../helpers/serve-app';
import { Recorder, VersionA, VersionB } from '../fixtures/traffic.backends';

/** Small seeded PRNG, so a failing sequence can be replayed with SEED=<n>. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelBackend {
  numReplicas: number;
  maxConcurrentQueries: number;
  userConfig: unknown;
}
interface ModelEndpoint {
  route: string;
  methods: string[];
  traffic: Record<string, number>;
  shadows: Record<string, number>;
}

const SEED = Number(process.env.SEED ?? Date.now() % 100_000);
const OPS = Number(process.env.OPS ?? 2000);
const CLASSES: Type<unknown>[] = [VersionA, VersionB, Recorder];

describe(`random ServeService calls against a model (SEED=${SEED})`, () => {
  let s: ServeApp;
  let base: string;
  before(async () => {
    s = await startServeApp({ backends: [] });
    await s.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(s.app.getHttpServer().address() as { port: number }).port}`;
  });
  after(() => s.close());

  test(`${OPS} random valid and invalid calls while requests flow`, async (t) => {
    const rnd = mulberry32(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
    const backends = new Map<string, ModelBackend>();
    const endpoints = new Map<string, ModelEndpoint>();
    const backendNames = ['b0', 'b1', 'b2', 'b3', 'ghost'];
    const endpointNames = ['e0', 'e1', 'e2', 'e3', 'nope'];
    const routes = ['/r0', '/r1', '/r2', '/r3', '/r4'];
    const used = (b: string) => [...endpoints.values()].some((e) => b in e.traffic || b in e.shadows);

    let flowing = true;
    const statuses = new Map<number, number>();
    const traffic = (async () => {
      while (flowing) {
        const res = await fetch(`${base}${pick(routes)}`).catch(() => undefined);
        if (res) {
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }
    })();

    type Op = { name: string; run: () => Promise<unknown>; valid: boolean; apply: () => void };
    const ops: (() => Op)[] = [
      () => {
        const ep = pick(endpointNames);
        const names = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(backendNames));
        const kind = rnd();
        const weights: Record<string, number> = {};
        const unique = [...new Set(names)];
        unique.forEach((n, i) => (weights[n] = i === unique.length - 1 ? 0 : Math.round(rnd() * 10) / 10));
        const rest = 1 - Object.values(weights).reduce((a, b) => a + b, 0);
        weights[unique[unique.length - 1]] = kind < 0.7 ? rest : kind < 0.85 ? rest + 0.25 : -0.5;
        const sum = Object.values(weights).reduce((a, b) => a + b, 0);
        const valid =
          endpoints.has(ep) &&
          unique.every((n) => backends.has(n)) &&
          Object.values(weights).every((w) => w >= 0) &&
          Math.abs(sum - 1) <= 1e-6;
        return {
          name: `setTraffic(${ep}, ${JSON.stringify(weights)})`,
          valid,
          run: () => s.serve.setTraffic(ep, weights),
          apply: () => (endpoints.get(ep)!.traffic = { ...weights }),
        };
      },
      () => {
        const ep = pick(endpointNames);
        const b = pick(backendNames);
        const p = pick([0, 0.1, 0.5, 1, -0.1, 1.5]);
        const valid = endpoints.has(ep) && backends.has(b) && p >= 0 && p <= 1;
        return {
          name: `shadowTraffic(${ep}, ${b}, ${p})`,
          valid,
          run: () => s.serve.shadowTraffic(ep, b, p),
          apply: () => {
            const shadows = endpoints.get(ep)!.shadows;
            if (p === 0) delete shadows[b];
            else shadows[b] = p;
          },
        };
      },
      () => {
        const ep = pick(endpointNames);
        const b = pick(backendNames);
        const route = pick(routes);
        const methods = pick([['GET'], ['GET', 'POST'], ['FETCH']]);
        const valid =
          !endpoints.has(ep) &&
          ![...endpoints.values()].some((e) => e.route === route) &&
          backends.has(b) &&
          methods[0] !== 'FETCH';
        return {
          name: `createEndpoint(${ep}, ${b}, ${route}, ${methods})`,
          valid,
          run: () => s.serve.createEndpoint(ep, { backend: b, route, methods: methods as never }),
          apply: () => endpoints.set(ep, { route, methods, traffic: { [b]: 1 }, shadows: {} }),
        };
      },
      () => {
        const ep = pick(endpointNames);
        return {
          name: `deleteEndpoint(${ep})`,
          valid: endpoints.has(ep),
          run: () => s.serve.deleteEndpoint(ep),
          apply: () => endpoints.delete(ep),
        };
      },
      () => {
        const b = pick(backendNames);
        const partial = pick<Record<string, unknown>>([
          { maxConcurrentQueries: 1 + Math.floor(rnd() * 50) },
          { maxConcurrentQueries: 0 },
          { userConfig: { k: Math.floor(rnd() * 100) } },
          { userConfig: { f: () => 1 } },
          { bogus: 1 },
        ]);
        const valid =
          backends.has(b) &&
          !('bogus' in partial) &&
          partial.maxConcurrentQueries !== 0 &&
          typeof (partial.userConfig as { f?: unknown })?.f !== 'function';
        return {
          name: `updateBackendConfig(${b}, ${JSON.stringify(partial)})`,
          valid,
          run: () => s.serve.updateBackendConfig(b, partial),
          apply: () => Object.assign(backends.get(b)!, partial),
        };
      },
    ];
    const slowOps: (() => Op)[] = [
      () => {
        const b = pick(backendNames);
        return {
          name: `deleteBackend(${b})`,
          valid: backends.has(b) && !used(b),
          run: () => s.serve.deleteBackend(b),
          apply: () => backends.delete(b),
        };
      },
      () => {
        const b = pick(backendNames.slice(0, 4));
        const numReplicas = pick([1, 1, 1, 0]);
        return {
          name: `createBackend(${b}, numReplicas ${numReplicas})`,
          valid: !backends.has(b) && numReplicas > 0,
          run: () => s.serve.createBackend(b, pick(CLASSES), { numReplicas }),
          apply: () => backends.set(b, { numReplicas, maxConcurrentQueries: 100, userConfig: undefined }),
        };
      },
      () => {
        const b = pick(backendNames);
        const numReplicas = pick([1, 2]);
        return {
          name: `updateBackendConfig(${b}, numReplicas ${numReplicas})`,
          valid: backends.has(b),
          run: () => s.serve.updateBackendConfig(b, { numReplicas }),
          apply: () => (backends.get(b)!.numReplicas = numReplicas),
        };
      },
    ];

    const timings = new Map<string, number>();
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < OPS; i++) {
      const op = (backends.size < 2 || rnd() < 0.02 ? pick(slowOps) : pick(ops))();
      const t0 = performance.now();
      const outcome = await op.run().then(
        () => undefined,
        (err: Error) => err,
      );
      const kindName = op.name.split('(')[0] + (op.valid ? '+' : '-');
      timings.set(kindName, (timings.get(kindName) ?? 0) + performance.now() - t0);
      const context = `op ${i} (SEED=${SEED}): ${op.name}`;
      if (op.valid) {
        assert.equal(outcome, undefined, `${context} should succeed but failed: ${outcome?.message}`);
        op.apply();
        accepted++;
      } else {
        assert.ok(outcome instanceof Error, `${context} should have been rejected`);
        assert.ok(outcome.message.length > 20, `${context}: unclear message '${outcome.message}'`);
        rejected++;
      }
      const shownEndpoints = s.serve.listEndpoints();
      assert.deepEqual(shownEndpoints, Object.fromEntries(endpoints), `${context}: endpoints differ from the model`);
      const shownBackends = s.serve.listBackends();
      assert.deepEqual(Object.keys(shownBackends).sort(), [...backends.keys()].sort(), `${context}: backends differ`);
      for (const [name, model] of backends) {
        const shown = shownBackends[name];
        assert.deepEqual(
          {
            numReplicas: shown.numReplicas,
            maxConcurrentQueries: shown.maxConcurrentQueries,
            userConfig: shown.userConfig,
          },
          model,
          `${context}: backend ${name} differs`,
        );
      }
    }
    flowing = false;
    await traffic;
    if (process.env.TIMINGS) console.log([...timings].map(([k, v]) => `${k} ${Math.round(v)}ms`).join('\n'));
    t.diagnostic(
      `${OPS} calls: ${accepted} accepted, ${rejected} rejected; requests by status ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    assert.ok(accepted > OPS / 10 && rejected > OPS / 10, `accepted ${accepted}, rejected ${rejected}`);
    const served = [...statuses.entries()];
    assert.ok((statuses.get(200) ?? 0) > 50, `requests served: ${JSON.stringify(served)}`);
    assert.deepEqual(
      served.filter(([status]) => status >= 500),
      [],
      `no request failed with 5xx: ${JSON.stringify(served)}`,
    );
  });
});
