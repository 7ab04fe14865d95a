import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { VitalsSampler, toReplicaVitals } from '../../src/signals/vitals.sampler';

test('a sample has memory and the loop utilisation since the previous sample', async () => {
  const sampler = new VitalsSampler();
  await new Promise((r) => setTimeout(r, 50));
  const idle = sampler.sample();
  assert.ok(idle.rss > 0 && idle.heap > 0 && idle.heapTotal >= idle.heap);
  assert.ok(idle.elu >= 0 && idle.elu < 0.5, `idle elu ${idle.elu}`);
  const end = Date.now() + 60;
  while (Date.now() < end);
  await new Promise((r) => setImmediate(r));
  const busy = sampler.sample();
  assert.ok(busy.elu > 0.8, `busy elu ${busy.elu}`);
});

test('in a worker thread the heap is the thread’s own isolate', async () => {
  const code = `
    const { parentPort } = require('node:worker_threads');
    parentPort.postMessage(process.memoryUsage().heapUsed);
  `;
  const worker = new Worker(code, { eval: true });
  const workerHeap = await new Promise<number>((resolve) => worker.once('message', resolve));
  await worker.terminate();
  const big = Array.from({ length: 200_000 }, (_, i) => ({ i }));
  const mainHeap = process.memoryUsage().heapUsed;
  assert.ok(workerHeap < mainHeap, `worker ${workerHeap} vs main ${mainHeap} (${big.length})`);
});

test('the host clamps and stamps what a pong carries', () => {
  assert.deepEqual(toReplicaVitals({ rss: 10, heap: 5, heapTotal: 8, elu: 1.2 }, 99), {
    rssBytes: 10,
    heapUsedBytes: 5,
    heapTotalBytes: 8,
    eventLoopUtilization: 1,
    at: 99,
  });
  assert.equal(toReplicaVitals({ rss: 1, heap: 1, heapTotal: 1, elu: NaN }, 0).eventLoopUtilization, 0);
});

test('batch sizes counted in the replica ride on the next sample only', () => {
  const sampler = new VitalsSampler();
  assert.equal(sampler.sample().batches, undefined);
  sampler.batch(3);
  sampler.batch(8);
  const report = sampler.sample().batches!;
  assert.equal(report.sum, 11);
  assert.equal(
    report.counts.reduce((a, b) => a + b, 0),
    2,
  );
  assert.equal(sampler.sample().batches, undefined);
});
