import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { RolloutRunner, type RolloutTarget, type TrafficMove } from '../../src/rollout/rollout.runner';
import { resolveRolloutOptions } from '../../src/rollout/rollout.options';
import type { StepFigures } from '../../src/router/rollout.judge';
import type { RolloutOptions } from '../../src/interfaces/rollout-options.interface';

/**
 * A fake endpoint: requests arrive at `rate` per second and split by the current weights; each
 * backend fails `errorRate` of them and answers with `p99Ms`. Records every traffic and shadow change.
 */
class FakeEndpoint implements RolloutTarget {
  time = 1_000_000;
  traffic: Record<string, number>;
  shadow = 0;
  readonly changes: Record<string, number>[] = [];
  readonly shadows: number[] = [];
  /** Calls of move(): each is one write of the endpoint. */
  moves = 0;
  troubled?: string;
  private readonly served: { at: number; backend: string; failed: boolean }[] = [];

  constructor(
    initial: Record<string, number>,
    private readonly behaviour: Record<string, { errorRate: number; p99Ms: number }>,
    private readonly rate = 200,
  ) {
    this.traffic = { ...initial };
  }

  move({ traffic, shadow }: TrafficMove): void {
    this.moves++;
    if (traffic) {
      this.traffic = { ...traffic };
      this.changes.push({ ...traffic });
    }
    if (shadow === undefined || shadow === this.shadow) return;
    this.shadow = shadow;
    this.shadows.push(shadow);
  }
  figures(backend: string, windowMs: number): StepFigures {
    const seen = this.served.filter((s) => s.backend === backend && s.at > this.time - windowMs);
    return {
      requests: seen.length,
      errors: seen.filter((s) => s.failed).length,
      p99Ms: seen.length ? this.behaviour[backend].p99Ms : undefined,
    };
  }
  trouble(): string | undefined {
    return this.troubled;
  }
  now(): number {
    return this.time;
  }

  /** Serves `ms` of traffic at `rate`, deterministically (every k-th request of a backend fails). */
  advance(ms: number): void {
    const count = Math.round((this.rate * ms) / 1000);
    for (let i = 0; i < count; i++) {
      this.time += ms / count;
      const point = (this.served.length * 0.618034) % 1;
      let acc = 0;
      for (const [backend, weight] of Object.entries(this.traffic)) {
        acc += weight;
        if (point < acc) {
          this.serve(backend);
          break;
        }
      }
      if (this.shadow > 0)
        this.serve(Object.keys(this.behaviour).find((b) => !(b in this.traffic) || this.traffic[b] === 0)!);
    }
  }

  private serve(backend: string): void {
    const mine = this.served.filter((s) => s.backend === backend).length;
    const { errorRate } = this.behaviour[backend];
    const failed = errorRate > 0 && Math.floor((mine + 1) * errorRate) > Math.floor(mine * errorRate);
    this.served.push({ at: this.time, backend, failed });
  }

  failedOf(backend: string): number {
    return this.served.filter((s) => s.backend === backend && s.failed).length;
  }
}

async function runToEnd(runner: RolloutRunner, endpoint: FakeEndpoint, maxMs = 600_000): Promise<void> {
  let settled = false;
  void runner.result.then(() => (settled = true));
  for (let t = 0; t < maxMs && !settled; t += 250) {
    endpoint.advance(250);
    mock.timers.tick(250);
    await new Promise(setImmediate);
  }
}

function start(endpoint: FakeEndpoint, options: RolloutOptions): RolloutRunner {
  const runner = new RolloutRunner(
    '/predict',
    'v2',
    { ...endpoint.traffic },
    resolveRolloutOptions('/predict', options),
    endpoint,
  );
  runner.start();
  return runner;
}

const quick: RolloutOptions = {
  steps: [0.1, 0.5, 1],
  stepIntervalMs: 2000,
  minRequestsPerStep: 50,
  maxErrorRate: 0.01,
  maxP99Ms: 500,
  maxLatencyRatio: 2,
};

describe('rollout runner', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  test('a good candidate is promoted after every step, in steps × stepIntervalMs plus a little', async () => {
    const endpoint = new FakeEndpoint({ v1: 1 }, { v1: { errorRate: 0, p99Ms: 20 }, v2: { errorRate: 0, p99Ms: 22 } });
    const runner = start(endpoint, quick);
    const started = endpoint.time;
    await runToEnd(runner, endpoint);
    const result = await runner.result;
    assert.equal(result.outcome, 'promoted');
    assert.deepEqual(
      result.steps.map((s) => s.weight),
      [0.1, 0.5, 1],
    );
    assert.ok(result.steps.every((s) => s.verdict === 'pass'));
    assert.deepEqual(endpoint.traffic, { v2: 1 });
    assert.deepEqual(endpoint.changes.slice(0, 3), [
      { v1: 0.9, v2: 0.1 },
      { v1: 0.5, v2: 0.5 },
      { v1: 0, v2: 1 },
    ]);
    assert.equal(endpoint.moves, 4, 'one change of the endpoint per step, and one to promote');
    const took = endpoint.time - started;
    assert.ok(took >= 6000 && took <= 6000 + 3 * 250 + 250, `took ${took} ms`);
  });

  test('a broken candidate (10 % errors) is rolled back at its first step, failing at most maxErrorRate × minRequestsPerStep + 1 requests', async () => {
    const endpoint = new FakeEndpoint(
      { v1: 1 },
      { v1: { errorRate: 0, p99Ms: 20 }, v2: { errorRate: 0.1, p99Ms: 20 } },
    );
    const runner = start(endpoint, { ...quick, minRequestsPerStep: 100, maxErrorRate: 0.02 });
    await runToEnd(runner, endpoint);
    const result = await runner.result;
    assert.equal(result.outcome, 'rolled-back');
    assert.equal(result.steps.length, 1);
    assert.match(result.outcome === 'rolled-back' ? result.reason : '', /error rate .* over maxErrorRate 2\.0 %/);
    assert.deepEqual(endpoint.traffic, { v1: 1 }, 'the previous split is back');
    assert.ok(endpoint.failedOf('v2') <= 3, `${endpoint.failedOf('v2')} failed requests`);
  });

  test('a slow candidate (3 × the p99 of the current backend) is rolled back', async () => {
    const endpoint = new FakeEndpoint({ v1: 1 }, { v1: { errorRate: 0, p99Ms: 40 }, v2: { errorRate: 0, p99Ms: 120 } });
    const runner = start(endpoint, quick);
    await runToEnd(runner, endpoint);
    const result = await runner.result;
    assert.equal(result.outcome, 'rolled-back');
    assert.match(result.outcome === 'rolled-back' ? result.reason : '', /3\.00 × the current backend's 40 ms/);
    assert.deepEqual(endpoint.traffic, { v1: 1 });
  });

  test('shadowFirstMs judges the candidate on copies before it gets any real request', async () => {
    const endpoint = new FakeEndpoint(
      { v1: 1 },
      { v1: { errorRate: 0, p99Ms: 20 }, v2: { errorRate: 0.5, p99Ms: 20 } },
    );
    const runner = start(endpoint, { ...quick, shadowFirstMs: 3000 });
    await runToEnd(runner, endpoint);
    const result = await runner.result;
    assert.equal(result.outcome, 'rolled-back');
    assert.equal(result.steps[0].shadow, true);
    assert.deepEqual(endpoint.shadows, [1, 0], 'the shadow was set, then removed');
    assert.deepEqual(
      endpoint.changes,
      [{ v1: 1 }],
      'no real request ever went to the candidate: only the roll-back wrote the split',
    );
  });

  test('abort rolls back at once with the reason given', async () => {
    const endpoint = new FakeEndpoint(
      { v1: 0.7, v3: 0.3 },
      { v1: { errorRate: 0, p99Ms: 20 }, v2: { errorRate: 0, p99Ms: 20 }, v3: { errorRate: 0, p99Ms: 20 } },
    );
    const runner = start(endpoint, quick);
    endpoint.advance(500);
    mock.timers.tick(500);
    await new Promise(setImmediate);
    assert.equal(runner.progress.weight, 0.1);
    assert.deepEqual(endpoint.traffic, { v1: 0.63, v3: 0.27, v2: 0.1 });
    runner.abort('aborted');
    await new Promise(setImmediate);
    const result = await runner.result;
    assert.deepEqual(result.outcome === 'rolled-back' && result.reason, 'aborted');
    assert.deepEqual(endpoint.traffic, { v1: 0.7, v3: 0.3 });
  });

  test('a candidate in trouble (crash loop) ends the rollout', async () => {
    const endpoint = new FakeEndpoint({ v1: 1 }, { v1: { errorRate: 0, p99Ms: 20 }, v2: { errorRate: 0, p99Ms: 20 } });
    const runner = start(endpoint, quick);
    endpoint.troubled = "backend 'v2' is in a crash loop";
    await runToEnd(runner, endpoint);
    const result = await runner.result;
    assert.equal(result.outcome === 'rolled-back' && result.reason, "backend 'v2' is in a crash loop");
  });

  test('a quiet endpoint never promotes: after maxWaitIntervals without evidence it rolls back', async () => {
    const endpoint = new FakeEndpoint(
      { v1: 1 },
      { v1: { errorRate: 0, p99Ms: 20 }, v2: { errorRate: 0, p99Ms: 20 } },
      2,
    );
    const runner = start(endpoint, { ...quick, maxWaitIntervals: 3 });
    await runToEnd(runner, endpoint);
    const result = await runner.result;
    assert.equal(result.outcome, 'rolled-back');
    assert.match(result.outcome === 'rolled-back' ? result.reason : '', /not enough traffic: \d+ of 50 requests/);
  });

  test('options are checked: steps increasing and ending at 1, known names, sane numbers', () => {
    assert.throws(
      () => resolveRolloutOptions('/p', { steps: [0.5, 0.1, 1] }),
      /steps is \[0\.5,0\.1,1\]; expected increasing shares/,
    );
    assert.throws(() => resolveRolloutOptions('/p', { steps: [0.1, 0.5] }), /ending at 1/);
    assert.throws(
      () => resolveRolloutOptions('/p', { maxErrorRate: 2 }),
      /option 'maxErrorRate' is 2; expected a number from 0 to 1/,
    );
    assert.throws(() => resolveRolloutOptions('/p', { stepMs: 1 } as never), /unknown option 'stepMs'/);
    assert.deepEqual(resolveRolloutOptions('/p').steps, [0.01, 0.1, 0.5, 1]);
  });
});
