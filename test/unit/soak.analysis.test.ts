import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classify503s,
  leastSquaresSlope,
  resourceGrowth,
  rssWindowStartMs,
  slopeMbPerMin,
  soakFailures,
  type MemorySample,
} from '../../bench/lib/soak.analysis';

const sample = (atMs: number, rssMb: number): MemorySample => ({
  atMs,
  rssMb,
  heapUsedMb: 10,
  heapTotalMb: 20,
  externalMb: 1,
  arrayBuffersMb: 0.5,
  threads: 13,
  activeResources: {},
});

test('the least-squares slope of a line is its slope, of noise around a flat line about 0', () => {
  assert.equal(
    leastSquaresSlope([
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 5 },
    ]),
    2,
  );
  assert.equal(
    leastSquaresSlope([
      { x: 0, y: 5 },
      { x: 1, y: 4 },
      { x: 2, y: 6 },
      { x: 3, y: 5 },
    ]),
    0.2,
  );
  assert.ok(Number.isNaN(leastSquaresSlope([{ x: 1, y: 1 }])));
  assert.ok(
    Number.isNaN(
      leastSquaresSlope([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ),
  );
});

test('memory slopes are per minute', () => {
  const samples = [sample(0, 100), sample(60_000, 101), sample(120_000, 102)];
  assert.equal(slopeMbPerMin(samples, 'rssMb'), 1);
  assert.equal(slopeMbPerMin(samples, 'heapUsedMb'), 0);
});

test('the RSS window starts at minute 2, or at 20 % of a run shorter than 10 minutes', () => {
  assert.equal(rssWindowStartMs(600_000), 120_000);
  assert.equal(rssWindowStartMs(1_800_000), 120_000);
  assert.equal(rssWindowStartMs(30_000), 6000);
});

test('a 503 counts as caused by a kill only within 3 s after one', () => {
  const c = classify503s([999, 1000, 3999, 4001, 40_000], [1000, 39_000]);
  assert.equal(c.nearKill, 3);
  assert.deepEqual(c.elsewhere, [999, 4001]);
});

test('threads, fds or children above the start count are growth; fewer or equal are not', () => {
  assert.deepEqual(resourceGrowth({ threads: 13, fds: 32, children: 2 }, { threads: 13, fds: 31, children: 2 }), []);
  assert.deepEqual(resourceGrowth({ threads: 13, fds: 32, children: 2 }, { threads: 14, fds: 32, children: 3 }), [
    'threads grew from 13 to 14',
    'children grew from 2 to 3',
  ]);
});

test('a run fails on a hung request, a connection error, growth, and an RSS slope over the bound only from 5 minutes', () => {
  const ok = {
    hung: 0,
    connectionErrors: 0,
    growth: [],
    durationMs: 600_000,
    rssSlopeMbPerMin: 0.3,
    heapSnapshots: false,
  };
  assert.deepEqual(soakFailures(ok), []);
  assert.equal(soakFailures({ ...ok, hung: 1 }).length, 1);
  assert.equal(soakFailures({ ...ok, connectionErrors: 2 }).length, 1);
  assert.equal(soakFailures({ ...ok, growth: ['fds grew from 1 to 2'] }).length, 1);
  assert.match(soakFailures({ ...ok, rssSlopeMbPerMin: 1.5 })[0], /1\.50 MB\/min exceeds 1 MB\/min/);
  assert.equal(soakFailures({ ...ok, rssSlopeMbPerMin: NaN }).length, 1, 'no slope on a long run is a failure');
  assert.deepEqual(soakFailures({ ...ok, durationMs: 30_000, rssSlopeMbPerMin: 50 }), []);
  assert.deepEqual(soakFailures({ ...ok, rssSlopeMbPerMin: 5, heapSnapshots: true }), [], 'snapshots perturb RSS');
});
