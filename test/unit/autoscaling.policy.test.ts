import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AutoscalingPolicy, resolveAutoscalingConfig } from '../../src/router/autoscaling.policy';
import type { AutoscalingConfig } from '../../src/interfaces/autoscaling-config.interface';

/** A load trace: phases of `ms` during which `ongoing(t)` requests are ongoing (t from the phase start). */
type Phase = { ms: number; ongoing: number | ((t: number, replicas: number) => number) };

/**
 * Replays a trace through the policy, sampling every `intervalMs` as the backend does; a decision
 * takes effect `startMs` later (replicas take time to start). Returns the count after each phase,
 * the moves made and how many times the direction changed.
 */
function replay(config: AutoscalingConfig, phases: Phase[], initial: number, startMs = 0) {
  const policy = new AutoscalingPolicy(resolveAutoscalingConfig(config));
  const interval = policy.settings.intervalMs;
  let now = 1_000_000;
  let current = initial;
  let pending: { at: number; target: number } | undefined;
  const moves: { at: number; from: number; to: number }[] = [];
  const after: number[] = [];
  const start = now;
  for (const phase of phases) {
    for (let t = 0; t < phase.ms; t += interval, now += interval) {
      if (pending && now >= pending.at) {
        current = pending.target;
        pending = undefined;
      }
      const ongoing = typeof phase.ongoing === 'number' ? phase.ongoing : phase.ongoing(t, current);
      if (pending) continue;
      const decision = policy.decide(now, ongoing, current);
      if (decision && decision.target !== current) {
        moves.push({ at: now - start, from: current, to: decision.target });
        pending = { at: now + startMs, target: decision.target };
      }
    }
    after.push(pending ? pending.target : current);
  }
  let changes = 0;
  for (let i = 1; i < moves.length; i++) {
    if (Math.sign(moves[i].to - moves[i].from) !== Math.sign(moves[i - 1].to - moves[i - 1].from)) changes++;
  }
  return { after, moves, directionChanges: changes };
}

/** Deterministic noise in [-1, 1]. */
function noise(seed: number): (t: number) => number {
  return (t) => Math.sin(t * 0.0137 + seed) * Math.cos(t * 0.0071 + seed * 3);
}

describe('autoscaling policy', () => {
  test('defaults: min 1, max 4 (or min when larger), target 2', () => {
    const d = resolveAutoscalingConfig({});
    assert.equal(d.minReplicas, 1);
    assert.equal(d.maxReplicas, 4);
    assert.equal(d.targetOngoingRequests, 2);
    assert.equal(resolveAutoscalingConfig({ minReplicas: 6 }).maxReplicas, 6);
  });

  test('a 1 → 8 → 1 step load (a closed loop of 2, 16, 2 clients: ongoing just under that) moves once per step, to the bounds, without flapping', () => {
    const config = { minReplicas: 1, maxReplicas: 4, upscaleDelayMs: 1000, downscaleDelayMs: 5000 };
    const n = noise(1);
    const result = replay(
      config,
      [
        { ms: 30_000, ongoing: (t) => 1.8 + 0.2 * n(t) },
        { ms: 30_000, ongoing: (t) => 15 + n(t) },
        { ms: 30_000, ongoing: (t) => 1.8 + 0.2 * n(t) },
      ],
      1,
      300,
    );
    assert.deepEqual(result.after, [1, 4, 1]);
    assert.equal(result.moves.length, 2, JSON.stringify(result.moves));
    assert.equal(result.directionChanges, 1);
    const [up, down] = result.moves;
    assert.ok(up.at - 30_000 <= 1200, `scaled up ${up.at - 30_000} ms into the step`);
    assert.ok(down.at - 60_000 <= 6200, `scaled down ${down.at - 60_000} ms into the step`);
  });

  test('a spike shorter than upscaleDelayMs - lookBackMs and a dip shorter than downscaleDelayMs change nothing', () => {
    const result = replay(
      { upscaleDelayMs: 1000, downscaleDelayMs: 5000 },
      [
        { ms: 3000, ongoing: 4 },
        { ms: 300, ongoing: 40 },
        { ms: 3000, ongoing: 4 },
        { ms: 3000, ongoing: 0 },
        { ms: 3000, ongoing: 4 },
      ],
      2,
    );
    assert.deepEqual(result.moves, []);
  });

  test('a load hovering at a replica boundary does not flap', () => {
    // Ongoing requests around 4 (two replicas' worth) with ±10 % noise, for two minutes.
    const n = noise(7);
    const result = replay(
      { upscaleDelayMs: 500, downscaleDelayMs: 3000 },
      [{ ms: 120_000, ongoing: (t) => 4 + 0.4 * n(t) }],
      2,
    );
    assert.deepEqual(result.moves, []);
  });

  test('a queue that shrinks once the new replicas serve does not trigger a scale-down (total, not per-replica, load)', () => {
    // A closed loop of 12 clients: ongoing stays 12 whatever the count; the queue part shrinks but the total does not.
    const result = replay(
      { maxReplicas: 8, upscaleDelayMs: 500, downscaleDelayMs: 3000 },
      [{ ms: 20_000, ongoing: 12 }],
      1,
      500,
    );
    assert.deepEqual(
      result.moves.map((m) => m.to),
      [6],
    );
  });

  test('never beyond maxReplicas, never under minReplicas', () => {
    const result = replay(
      { minReplicas: 2, maxReplicas: 3, upscaleDelayMs: 0, downscaleDelayMs: 0 },
      [
        { ms: 2000, ongoing: 100 },
        { ms: 2000, ongoing: 0 },
      ],
      2,
    );
    assert.deepEqual(result.after, [3, 2]);
    assert.ok(result.moves.every((m) => m.to >= 2 && m.to <= 3));
  });

  test('scale to zero after the downscale delay, and from zero at the first request', () => {
    const result = replay(
      { minReplicas: 0, maxReplicas: 2, downscaleDelayMs: 2000 },
      [
        { ms: 1000, ongoing: 1 },
        { ms: 5000, ongoing: 0 },
        { ms: 200, ongoing: 1 },
      ],
      1,
    );
    assert.deepEqual(result.after, [1, 0, 1]);
    const fromZero = result.moves.at(-1)!;
    assert.equal(fromZero.from, 0);
    assert.ok(fromZero.at <= 6000 + 100, `started at ${fromZero.at}`);
  });

  test('a count changed by hand under minReplicas or over maxReplicas is brought back at once', () => {
    const policy = new AutoscalingPolicy(resolveAutoscalingConfig({ minReplicas: 2, maxReplicas: 3 }));
    assert.equal(policy.decide(0, 0, 1)?.target, 2);
    assert.equal(policy.decide(100, 0, 5)?.target, 3);
  });

  test('decisions say why, naming the load and the target', () => {
    const policy = new AutoscalingPolicy(resolveAutoscalingConfig({ upscaleDelayMs: 0 }));
    const decision = policy.decide(0, 8, 1)!;
    assert.equal(decision.target, 4);
    assert.match(decision.reason, /ongoing requests 8\.0 \/ targetOngoingRequests 2/);
  });

  test('new settings start a new history', () => {
    const policy = new AutoscalingPolicy(resolveAutoscalingConfig({ upscaleDelayMs: 1000 }));
    for (let t = 0; t < 900; t += 100) assert.equal(policy.decide(t, 8, 1), undefined);
    policy.update(resolveAutoscalingConfig({ upscaleDelayMs: 1000, maxReplicas: 8 }));
    assert.equal(policy.decide(1000, 8, 1), undefined, 'the delay counts again from the change');
  });
});
