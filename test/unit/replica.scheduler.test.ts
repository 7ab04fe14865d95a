import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplicaScheduler, RequestQueue, type ReplicaSlot } from '../../src/router';

const slot = (id: string): ReplicaSlot => ({ id, inFlight: 0, accepting: true });

test('one-at-a-time traffic takes the replicas in turn', () => {
  const s = new ReplicaScheduler(10);
  ['r1', 'r2', 'r3'].forEach((id) => s.add(slot(id)));
  const picks = Array.from({ length: 6 }, () => s.pick()!.id);
  assert.deepEqual(picks, ['r1', 'r2', 'r3', 'r1', 'r2', 'r3']);
});

test('the least loaded replica is preferred', () => {
  const s = new ReplicaScheduler(10);
  const [a, b, c] = ['a', 'b', 'c'].map(slot);
  [a, b, c].forEach((x) => s.add(x));
  a.inFlight = 3;
  b.inFlight = 1;
  c.inFlight = 2;
  assert.equal(s.pick(), b);
});

test('replicas at maxConcurrentQueries or not accepting get nothing', () => {
  const s = new ReplicaScheduler(2);
  const [a, b] = ['a', 'b'].map(slot);
  s.add(a);
  s.add(b);
  a.inFlight = 2;
  b.accepting = false;
  assert.equal(s.pick(), undefined);
  s.maxConcurrentQueries = 3;
  assert.equal(s.pick(), a);
  s.remove(a);
  assert.equal(s.pick(), undefined);
  assert.equal(s.inFlight, 0);
});

test('the queue is FIFO, counts live items only, and skips cancelled ones', () => {
  const q = new RequestQueue<{ n: number; cancelled?: boolean }>();
  const items = Array.from({ length: 5 }, (_, n) => ({ n }));
  items.forEach((i) => q.push(i));
  q.cancel(items[1]);
  q.cancel(items[1]);
  assert.equal(q.size, 4);
  assert.equal(q.shift()!.n, 0);
  assert.equal(q.shift()!.n, 2);
  assert.deepEqual(
    q.drain().map((i) => i.n),
    [3, 4],
  );
  assert.equal(q.size, 0);
  assert.equal(q.shift(), undefined);
});

test('a long-lived queue compacts and stays correct', () => {
  const q = new RequestQueue<{ n: number; cancelled?: boolean }>();
  let next = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 100; i++) q.push({ n: round * 100 + i });
    for (let i = 0; i < 100; i++) assert.equal(q.shift()!.n, next++);
  }
  assert.equal(q.size, 0);
});

test('unshift puts an item back at the head, before older ones, also after shifts', () => {
  const q = new RequestQueue<{ n: number; cancelled?: boolean }>();
  q.unshift({ n: 0 });
  [1, 2, 3].forEach((n) => q.push({ n }));
  const first = q.shift()!;
  q.unshift(first);
  q.unshift({ n: -1 });
  assert.equal(q.size, 5);
  assert.deepEqual(
    q.drain().map((i) => i.n),
    [-1, 0, 1, 2, 3],
  );
});

test('a replica pausing after a refusal gets nothing until its pause ends', () => {
  const s = new ReplicaScheduler(4);
  const [a, b] = ['a', 'b'].map(slot);
  s.add(a);
  s.add(b);
  a.refusedUntil = performance.now() + 60_000;
  assert.equal(s.pick(), b);
  assert.equal(s.pick(), b);
  b.refusedUntil = performance.now() + 60_000;
  assert.equal(s.pick(), undefined);
  a.refusedUntil = performance.now() - 1;
  assert.equal(s.pick(), a);
});
