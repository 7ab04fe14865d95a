import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { BackendAutoscaler, type ScalableBackend } from '../../src/autoscaling/backend.autoscaler';
import { resolveAutoscalingConfig } from '../../src/router/autoscaling.policy';

/** A backend whose replicas take `startMs` to start; records every scale it is asked for. */
class FakeBackend implements ScalableBackend {
  readonly name = 'model';
  load = 0;
  count = 1;
  readonly asked: number[] = [];
  constructor(private readonly startMs: number) {}
  ongoing(): number {
    return this.load;
  }
  replicaCount(): number {
    return this.count;
  }
  scaleTo(target: number): Promise<void> {
    this.asked.push(target);
    return new Promise((resolve) =>
      setTimeout(() => {
        this.count = target;
        resolve();
      }, this.startMs),
    );
  }
}

async function advance(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    mock.timers.tick(100);
    await new Promise(setImmediate);
  }
}

describe('backend autoscaler', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'setTimeout', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test('one scale at a time: while replicas start, no second decision stacks on the first', async () => {
    const backend = new FakeBackend(3000);
    const scaler = new BackendAutoscaler(
      backend,
      resolveAutoscalingConfig({ maxReplicas: 4, upscaleDelayMs: 200 }),
      assert.fail,
    );
    scaler.start();
    backend.load = 20;
    await advance(2000);
    assert.deepEqual(backend.asked, [4]);
    await advance(2000);
    assert.equal(backend.count, 4);
    assert.deepEqual(backend.asked, [4]);
    scaler.stop();
  });

  test('kick() starts a replica at once when none runs (scale from zero)', async () => {
    const backend = new FakeBackend(500);
    backend.count = 0;
    const scaler = new BackendAutoscaler(backend, resolveAutoscalingConfig({ minReplicas: 0 }), assert.fail);
    scaler.start();
    backend.load = 1;
    scaler.kick();
    assert.deepEqual(backend.asked, [1], 'decided without waiting for a tick');
    assert.match(scaler.last!.reason, /no replica runs/);
    scaler.stop();
  });

  test('a failed scale is reported and the next decision can run', async () => {
    const errors: string[] = [];
    const backend = new FakeBackend(0);
    backend.scaleTo = async () => {
      throw new Error("Backend 'model': replica failed to start");
    };
    const scaler = new BackendAutoscaler(backend, resolveAutoscalingConfig({ upscaleDelayMs: 0 }), (e) =>
      errors.push(e.message),
    );
    scaler.start();
    backend.load = 8;
    await advance(300);
    assert.ok(errors.length >= 2, `${errors.length} attempts`);
    await scaler.settled();
    scaler.stop();
  });

  test('standing by (a fleet decides): no decision, and its evidence starts afresh when it decides again', async () => {
    const backend = new FakeBackend(0);
    let standingBy = true;
    const scaler = new BackendAutoscaler(
      Object.assign(backend, { standingBy: () => standingBy }),
      resolveAutoscalingConfig({ maxReplicas: 4, upscaleDelayMs: 500 }),
      assert.fail,
    );
    scaler.start();
    backend.load = 20;
    await advance(2000);
    assert.deepEqual(backend.asked, []);
    standingBy = false;
    await advance(300);
    assert.deepEqual(backend.asked, [], 'the load seen while standing by does not count');
    await advance(500);
    assert.deepEqual(backend.asked, [4]);
    scaler.stop();
  });
});
