import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RollingWindow } from '../../src/signals/rolling.window';

function fakeClock(start = 1_000_000) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

test('req/s, p50, p99 and error rate over the last seconds', () => {
  const clock = fakeClock();
  const window = new RollingWindow(10, clock.read);
  clock.now += 10_000;
  for (let s = 0; s < 10; s++) {
    for (let i = 0; i < 100; i++) window.record(i < 98 ? 4 : 800, i === 99);
    clock.now += 1000;
  }
  clock.now -= 1000;
  const f = window.figures();
  assert.equal(f.requests, 1000);
  assert.equal(f.errors, 10);
  assert.equal(f.requestsPerSecond, 100);
  assert.equal(f.errorRate, 0.01);
  assert.ok(f.p50Ms! > 2.5 && f.p50Ms! <= 5, `p50 ${f.p50Ms}`);
  assert.ok(f.p99Ms! > 500 && f.p99Ms! <= 1000, `p99 ${f.p99Ms}`);
  assert.equal(f.seconds, 10);
});

test('old seconds drop out; an idle window reads zero and null latencies', () => {
  const clock = fakeClock();
  const window = new RollingWindow(5, clock.read);
  clock.now += 60_000;
  window.record(10, true);
  assert.equal(window.figures().requests, 1);
  clock.now += 4_000;
  assert.equal(window.figures().requests, 1);
  clock.now += 1_000;
  const idle = window.figures();
  assert.deepEqual(
    { requests: idle.requests, errorRate: idle.errorRate, p50: idle.p50Ms, p99: idle.p99Ms },
    { requests: 0, errorRate: 0, p50: null, p99: null },
  );
  // A slot is reused, not added to, when its second comes round again.
  window.record(10, false);
  assert.equal(window.figures().requests, 1);
  assert.equal(window.figures().errors, 0);
});

test('a young window divides by the time it has existed, not its full length', () => {
  const clock = fakeClock(5_000);
  const window = new RollingWindow(10, clock.read);
  for (let i = 0; i < 20; i++) window.record(1, false);
  clock.now += 2_000;
  assert.equal(window.figures().requestsPerSecond, 10);
});

test('combine reads several windows as one', () => {
  const clock = fakeClock();
  const a = new RollingWindow(10, clock.read);
  const b = new RollingWindow(10, clock.read);
  clock.now += 20_000;
  a.record(1, false);
  b.record(1, true);
  b.record(1, false);
  const f = RollingWindow.combine([a, b], 10, clock.read);
  assert.equal(f.requests, 3);
  assert.equal(f.errors, 1);
  assert.equal(RollingWindow.combine([], 10, clock.read).requests, 0);
  assert.equal(a.latency().count, 1);
  assert.throws(() => new RollingWindow(0), /seconds/);
});

test('a request whose caller went away is counted apart: in no error rate, request count or latency', () => {
  const clock = fakeClock();
  const window = new RollingWindow(10, clock.read);
  clock.now += 10_000;
  window.record(10, false);
  window.record(10, true);
  window.recordCancelled();
  window.recordCancelled();
  const f = window.figures();
  assert.deepEqual(
    { requests: f.requests, errors: f.errors, errorRate: f.errorRate, cancelled: f.cancelled },
    { requests: 2, errors: 1, errorRate: 0.5, cancelled: 2 },
  );
  assert.equal(window.latency().count, 2);
  clock.now += 10_000;
  assert.equal(window.figures().cancelled, 0, 'it leaves the window as the others do');
  assert.equal(RollingWindow.combine([window, window], 10, clock.read).cancelled, 0);
});
