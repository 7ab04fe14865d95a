import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import autocannon from 'autocannon';
import { sleep, startServeApp, type ServeApp } from '../helpers/serve-app';
import { BrokenVersion, GoodVersion, SlowVersion, StableVersion } from '../fixtures/rollout.backends';
import type { RolloutOptions } from '../../src';

const checks: RolloutOptions = {
  steps: [0.2, 0.5, 1],
  stepIntervalMs: 1000,
  minRequestsPerStep: 20,
  maxErrorRate: 0.02,
  maxP99Ms: 500,
  maxLatencyRatio: 2.5,
};

describe('guarded rollout', () => {
  let s: ServeApp;
  let base: string;
  before(async () => {
    s = await startServeApp({ backends: [StableVersion, GoodVersion, BrokenVersion, SlowVersion] });
    await s.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(s.app.getHttpServer().address() as { port: number }).port}`;
  });
  after(() => s.close());

  /** Runs `during` under a closed loop of 4 clients; returns its result and the load's answers by status. */
  async function underLoad<T>(during: () => Promise<T>): Promise<{ value: T; statuses: Map<number, number> }> {
    const statuses = new Map<number, number>();
    const instance = autocannon({ url: `${base}/canary`, connections: 4, duration: 60, timeout: 10 }, () => undefined);
    const finished = new Promise((resolve) => instance.on('done', resolve));
    instance.on('response', (_c: unknown, status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1));
    try {
      await sleep(300);
      return { value: await during(), statuses };
    } finally {
      instance.stop();
      await finished;
    }
  }

  const reset = () =>
    s.serve.setTraffic('canary', { StableVersion: 1, GoodVersion: 0, BrokenVersion: 0, SlowVersion: 0 });
  // Each test starts from the stable version alone, whatever the one before it left.
  beforeEach(async () => {
    if (s.serve.status().endpoints.canary.rollout) await s.serve.abortRollout('canary').catch(() => undefined);
    await reset();
  });

  test('a good candidate is promoted step by step in about steps × stepIntervalMs, with no failed request', async (t) => {
    const started = Date.now();
    const seen: number[] = [];
    const { value: result, statuses } = await underLoad(async () => {
      const running = s.serve.rollout('canary', 'GoodVersion', checks);
      const watch = setInterval(() => {
        const progress = s.serve.status().endpoints.canary.rollout;
        if (progress) seen.push(progress.weight);
      }, 100);
      try {
        return await running;
      } finally {
        clearInterval(watch);
      }
    });
    const took = Date.now() - started;
    t.diagnostic(
      `promoted in ${took} ms; answers ${JSON.stringify([...statuses])}; steps ${JSON.stringify(result.steps.map((x) => x.reason))}`,
    );
    assert.equal(result.outcome, 'promoted');
    assert.deepEqual(
      result.steps.map((x) => x.weight),
      [0.2, 0.5, 1],
    );
    assert.deepEqual(s.serve.listEndpoints().canary.traffic, { GoodVersion: 1 });
    assert.deepEqual([...statuses.keys()], [200], 'no request failed because of the traffic changes');
    assert.ok(took < 3000 + 2500, `took ${took} ms`);
    assert.deepEqual([...new Set(seen)], [0.2, 0.5, 1], 'status() showed each step');
    const events = s.serve.status().backends.GoodVersion.events.filter((e) => e.type === 'rollout-step');
    assert.ok(
      events.some((e) => /promoted/.test(e.message)),
      JSON.stringify(events),
    );
    await reset();
  });

  test('a broken candidate (10 % errors) is rolled back at its first step, with few failed requests', async (t) => {
    const { value: result, statuses } = await underLoad(() => s.serve.rollout('canary', 'BrokenVersion', checks));
    t.diagnostic(
      `${result.outcome}: ${result.outcome === 'rolled-back' && result.reason}; answers ${JSON.stringify([...statuses])}`,
    );
    assert.equal(result.outcome, 'rolled-back');
    assert.match(result.outcome === 'rolled-back' ? result.reason : '', /error rate .* over maxErrorRate/);
    assert.equal(result.steps.length, 1);
    assert.deepEqual(s.serve.listEndpoints().canary.traffic, {
      StableVersion: 1,
      GoodVersion: 0,
      BrokenVersion: 0,
      SlowVersion: 0,
    });
    const failed = statuses.get(500) ?? 0;
    // maxErrorRate × minRequestsPerStep (0.4) + 1 judged, plus what was in flight as the split went back.
    assert.ok(failed >= 1 && failed <= 6, `${failed} failed requests`);
  });

  test('a slow candidate is rolled back by its p99 against the current backend', async () => {
    // maxP99Ms out of the way: this is the check against the current backend's p99.
    const slow = { ...checks, maxP99Ms: 60_000 };
    const { value: result } = await underLoad(() => s.serve.rollout('canary', 'SlowVersion', slow));
    assert.equal(result.outcome, 'rolled-back');
    assert.match(
      result.outcome === 'rolled-back' ? result.reason : '',
      /× the current backend's .* over maxLatencyRatio 2\.5/,
    );
    assert.equal(s.serve.listEndpoints().canary.traffic.StableVersion, 1);
  });

  test('shadowFirstMs judges the candidate on copies first: a broken one never answers a real request', async () => {
    const { value: result, statuses } = await underLoad(() =>
      s.serve.rollout('canary', 'BrokenVersion', { ...checks, shadowFirstMs: 1500 }),
    );
    assert.equal(result.outcome, 'rolled-back');
    assert.equal(result.steps[0].shadow, true);
    assert.deepEqual([...statuses.keys()], [200], 'callers saw only the stable version');
    assert.deepEqual(s.serve.listEndpoints().canary.shadows, {});
  });

  test('while a rollout runs other traffic changes are refused; abortRollout rolls back with the reason aborted', async () => {
    const running = s.serve.rollout('canary', 'GoodVersion', { ...checks, stepIntervalMs: 60_000 });
    await sleep(300);
    await assert.rejects(
      s.serve.setTraffic('canary', { StableVersion: 1 }),
      /is being rolled out to backend 'GoodVersion'/,
    );
    await assert.rejects(s.serve.shadowTraffic('canary', 'SlowVersion', 0.5), /is being rolled out/);
    await assert.rejects(s.serve.rollout('canary', 'SlowVersion', checks), /is being rolled out/);
    await s.serve.abortRollout('canary');
    const result = await running;
    assert.deepEqual(result.outcome === 'rolled-back' && result.reason, 'aborted');
    assert.equal(s.serve.listEndpoints().canary.traffic.StableVersion, 1);
    await assert.rejects(s.serve.abortRollout('canary'), /has no rollout running/);
  });

  test('an app closing during its rollout settles it: rolled back, with the reason that the app is shutting down', async () => {
    const own = await startServeApp({ backends: [StableVersion, GoodVersion] });
    const running = own.serve.rollout('canary', 'GoodVersion', { ...checks, stepIntervalMs: 60_000 });
    await sleep(300);
    await own.close();
    const result = await Promise.race([running, sleep(3000).then(() => 'still pending 3 s after close')]);
    assert.deepEqual(
      typeof result === 'object' && result.outcome === 'rolled-back' && result.reason,
      'the app is shutting down',
    );
  });

  test('bad options and names are refused before anything changes', async () => {
    await assert.rejects(s.serve.rollout('canary', 'GoodVersion', { steps: [0.5, 0.2] }), /steps is \[0\.5,0\.2\]/);
    await assert.rejects(s.serve.rollout('nope', 'GoodVersion'), /Endpoint 'nope' does not exist/);
    await assert.rejects(s.serve.rollout('canary', 'Nope'), /Backend 'Nope' does not exist/);
    await assert.rejects(s.serve.rollout('canary', 'StableVersion'), /already sends all its traffic/);
    assert.equal(s.serve.listEndpoints().canary.traffic.StableVersion, 1);
  });
});
