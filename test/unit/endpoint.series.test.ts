import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndpointSeries } from '../../src/signals/endpoint.series';

test('settle counts by code and outcome and observes queue wait, processing and total in seconds', () => {
  const clock = { now: 50_000 };
  const series = new EndpointSeries('predict', 'model-v1', 10, () => clock.now);
  series.settle(200, 'ok', 1, 4);
  series.settle(200, 'ok', 2, 6);
  series.settle(503, 'overloaded', 0, 0);
  series.settle(503, 'replica-died', 3, 10);
  series.settle(499, 'cancelled', 1, 1);
  const counts = series.counts().sort((a, b) => a.code - b.code || a.outcome.localeCompare(b.outcome));
  assert.deepEqual(counts, [
    { code: 200, outcome: 'ok', count: 2 },
    { code: 499, outcome: 'cancelled', count: 1 },
    { code: 503, outcome: 'overloaded', count: 1 },
    { code: 503, outcome: 'replica-died', count: 1 },
  ]);
  assert.equal(series.requests, 5);
  assert.ok(Math.abs(series.queueWait.sum - 0.007) < 1e-12);
  assert.ok(Math.abs(series.processing.sum - 0.021) < 1e-12);
  assert.ok(Math.abs(series.total.sum - 0.028) < 1e-12);
  const f = series.window.figures();
  assert.equal(f.requests, 4, 'the window leaves the cancelled request out of its requests...');
  assert.equal(f.cancelled, 1, '...and counts it apart');
  assert.equal(f.errors, 2, 'overload and replica death are errors; a cancelled request is not');
});
