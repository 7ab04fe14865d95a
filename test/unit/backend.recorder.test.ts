import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackendRecorder } from '../../src/signals/backend.recorder';

test('settled goes to the endpoint series; figures add endpoints up or pick one', () => {
  const clock = { now: 100_000 };
  const recorder = new BackendRecorder('model-v1', 10, () => clock.now);
  recorder.settled('a', 200, 'ok', 1, 2);
  recorder.settled('a', 500, 'error', 1, 2, "Backend 'model-v1' failed: boom");
  recorder.settled('b', 200, 'ok', 1, 2);
  assert.deepEqual(
    [...recorder.endpoints()].map((s) => [s.endpoint, s.requests]),
    [
      ['a', 2],
      ['b', 1],
    ],
  );
  assert.equal(recorder.figures().requests, 3);
  assert.equal(recorder.figures('a').errors, 1);
  assert.equal(recorder.figures('none').requests, 0);
  assert.deepEqual(recorder.lastError, { message: "Backend 'model-v1' failed: boom", at: 100_000 });
});

test('an error message with a successful outcome does not become the last error', () => {
  const recorder = new BackendRecorder('m');
  recorder.settled('a', 200, 'ok', 0, 1, 'not an error');
  assert.equal(recorder.lastError, null);
});

test('shadow traffic is kept apart and never sets the last error', () => {
  const recorder = new BackendRecorder('candidate');
  recorder.shadowSettled('a', 500, 'error', 0, 3);
  assert.equal(recorder.figures().requests, 0);
  assert.equal(recorder.shadowFigures('a').errors, 1);
  assert.equal([...recorder.shadowEndpoints()].length, 1);
  assert.equal(recorder.lastError, null);
});

test('batches, restarts and failures', () => {
  const clock = { now: 7 };
  const recorder = new BackendRecorder('m', 10, () => clock.now);
  recorder.batch(3);
  recorder.batch(8);
  assert.equal(recorder.batchSizes.count, 2);
  assert.equal(recorder.batchSizes.sum, 11);
  recorder.restarted('replica m#1 died (exit code 1)');
  assert.equal(recorder.restarts, 1);
  assert.deepEqual(recorder.lastError, { message: 'replica m#1 died (exit code 1)', at: 7 });
});

test('settled allocates no object per call once an endpoint and code have been seen', () => {
  const recorder = new BackendRecorder('m');
  for (let i = 0; i < 1e5; i++) recorder.settled('a', 200, 'ok', 0.1, 1.5);
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 1e6; i++) recorder.settled('a', 200, 'ok', 0.1, 1.5);
  const grown = process.memoryUsage().heapUsed - before;
  // The clock's boxed double costs a few bytes a call on average (4-8 measured, more when a GC
  // happens to run late); an object per call would be 16+ bytes of its own on top.
  assert.ok(grown < 14_000_000, `heap grew by ${grown} bytes over 1e6 calls`);
});

test('batch sizes a replica reports are added; a report of other buckets is ignored', () => {
  const recorder = new BackendRecorder('m');
  const counts = new Array(recorder.batchSizes.counts.length).fill(0);
  counts[2] = 3;
  recorder.batchesReported({ counts, sum: 11 });
  assert.equal(recorder.batchSizes.count, 3);
  assert.equal(recorder.batchSizes.sum, 11);
  assert.equal(recorder.batchSizes.cumulative()[2], 3);
  recorder.batchesReported({ counts: [1], sum: 1 });
  assert.equal(recorder.batchSizes.count, 3);
});

test('load figures cover real and shadow traffic together', () => {
  const recorder = new BackendRecorder('b', 10, () => 5_000);
  recorder.settled('e', 200, 'ok', 1, 1);
  recorder.shadowSettled('e', 500, 'error', 1, 1);
  recorder.shadowSettled('f', 200, 'ok', 1, 1);
  assert.equal(recorder.figures().requests, 1);
  assert.deepEqual([recorder.loadFigures().requests, recorder.loadFigures().errors], [3, 1]);
});
