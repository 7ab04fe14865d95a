import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServeSignals } from '../../src/signals/serve.signals';

test('one recorder per backend; endpoint figures add the backends of the endpoint up', () => {
  const clock = { now: 10_000 };
  const signals = new ServeSignals({ windowSeconds: 5, clock: () => clock.now });
  const v1 = signals.backend('v1');
  assert.equal(signals.backend('v1'), v1);
  v1.settled('predict', 200, 'ok', 0, 1);
  signals.backend('v2').settled('predict', 500, 'error', 0, 1);
  signals.backend('v2').settled('other', 200, 'ok', 0, 1);
  const f = signals.endpointFigures('predict');
  assert.equal(f.requests, 2);
  assert.equal(f.errorRate, 0.5);
  assert.equal(v1.windowSeconds, 5);
});

test('delete forgets a backend and its events', () => {
  const signals = new ServeSignals();
  signals.backend('gone').batch(1);
  signals.events.record({ type: 'replica-stopped', backend: 'gone', replica: 'gone#1', message: 'x' });
  signals.events.record({ type: 'replica-stopped', backend: 'kept', replica: 'kept#1', message: 'y' });
  signals.delete('gone');
  assert.deepEqual(
    [...signals.backends()].map((r) => r.backend),
    [],
  );
  assert.deepEqual(
    signals.events.recent().map((e) => e.backend),
    ['kept'],
  );
});

test('stepFigures: one backend on one endpoint over the last N ms, shadow copies included', () => {
  const clock = { now: 100_000 };
  const signals = new ServeSignals({ clock: () => clock.now });
  const v2 = signals.backend('v2');
  v2.settled('predict', 200, 'ok', 0, 10);
  clock.now += 3_000;
  v2.shadowSettled('predict', 500, 'error', 0, 20);
  v2.settled('other', 200, 'ok', 0, 1);
  signals.backend('v1').settled('predict', 200, 'ok', 0, 1);
  const recent = signals.stepFigures('v2', 'predict', 2_000);
  assert.deepEqual([recent.requests, recent.errors], [1, 1]);
  assert.ok(recent.p99Ms! > 10 && recent.p99Ms! <= 25);
  assert.deepEqual(signals.stepFigures('v2', 'predict', 10_000).requests, 2);
  assert.deepEqual(signals.stepFigures('none', 'predict', 10_000), { requests: 0, errors: 0, p99Ms: undefined });
});
