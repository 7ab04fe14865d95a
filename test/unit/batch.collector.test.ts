import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BatchCollector } from '../../src/router';

test('a full batch runs at once; a partial one waits for the rest of waitMs', () => {
  const c = new BatchCollector<number>(3, 50);
  c.add(1, 1000);
  assert.deepEqual(c.next(1000), { run: false, waitMs: 50 });
  assert.deepEqual(c.next(1030), { run: false, waitMs: 20 });
  c.add(2, 1030);
  c.add(3, 1031);
  assert.deepEqual(c.next(1031), { run: true });
  assert.deepEqual(c.take(), [1, 2, 3]);
});

test('one batch runs at a time; the next fills meanwhile, up to maxBatchSize', () => {
  const c = new BatchCollector<number>(2, 0);
  c.add(1, 0);
  assert.deepEqual(c.next(0), { run: true });
  assert.deepEqual(c.take(), [1]);
  c.add(2, 1);
  c.add(3, 1);
  c.add(4, 1);
  assert.deepEqual(c.next(1), { run: false });
  c.done();
  assert.deepEqual(c.next(2), { run: true });
  assert.deepEqual(c.take(), [2, 3]);
  c.done();
  assert.deepEqual(c.take(), [4]);
  assert.equal(c.waiting, 0);
});
