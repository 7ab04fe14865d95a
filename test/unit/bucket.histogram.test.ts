import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_SIZE_BUCKETS, BucketHistogram, LATENCY_BUCKETS_SECONDS } from '../../src/signals/bucket.histogram';

test('observe puts a value in the first bucket whose bound is ≥ it, over-range values in +Inf', () => {
  const h = new BucketHistogram([1, 2, 4]);
  for (const v of [0.5, 1, 1.5, 4, 9]) h.observe(v);
  assert.deepEqual([...h.counts], [2, 1, 1, 1]);
  assert.deepEqual(h.cumulative(), [2, 3, 4, 5]);
  assert.equal(h.count, 5);
  assert.equal(h.sum, 16);
});

test('quantiles interpolate inside the bucket, like histogram_quantile', () => {
  const h = new BucketHistogram([0.01, 0.1, 1]);
  for (let i = 0; i < 90; i++) h.observe(0.005);
  for (let i = 0; i < 10; i++) h.observe(0.5);
  assert.ok(Math.abs(h.quantile(0.5) - 0.01 * (50 / 90)) < 1e-12);
  // rank 99 of 100 is the 9th of 10 in (0.1, 1]
  assert.ok(Math.abs(h.quantile(0.99) - (0.1 + 0.9 * 0.9)) < 1e-12);
  assert.ok(Number.isNaN(new BucketHistogram().quantile(0.5)));
  const inf = new BucketHistogram([1]);
  inf.observe(100);
  assert.equal(inf.quantile(0.99), 1);
});

test('merge adds bucket by bucket; different bounds are refused; reset empties', () => {
  const a = new BucketHistogram();
  const b = new BucketHistogram();
  a.observe(0.002);
  b.observe(0.002);
  b.observe(3);
  a.merge(b);
  assert.equal(a.count, 3);
  assert.equal(a.cumulative().at(-1), 3);
  assert.ok(Math.abs(a.sum - 3.004) < 1e-12);
  assert.throws(() => a.merge(new BucketHistogram(BATCH_SIZE_BUCKETS)), /different bucket bounds/);
  a.reset();
  assert.equal(a.count, 0);
  assert.equal(a.sum, 0);
  assert.ok(a.counts.every((c) => c === 0));
});

test('latency bounds are ascending seconds from sub-millisecond to a minute', () => {
  for (let i = 1; i < LATENCY_BUCKETS_SECONDS.length; i++) {
    assert.ok(LATENCY_BUCKETS_SECONDS[i] > LATENCY_BUCKETS_SECONDS[i - 1]);
  }
  assert.equal(LATENCY_BUCKETS_SECONDS[0], 0.0005);
  assert.equal(LATENCY_BUCKETS_SECONDS.at(-1), 60);
});

test('observe allocates nothing on the hot path', () => {
  const h = new BucketHistogram();
  for (let i = 0; i < 1e5; i++) h.observe((i % 1000) / 1000);
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1e6; i++) h.observe((i % 1000) / 1000);
  const grown = process.memoryUsage().heapUsed - before;
  // 1e6 observations that each allocated even 16 bytes would grow the heap by 16 MB.
  assert.ok(grown < 2_000_000, `heap grew by ${grown} bytes`);
});
