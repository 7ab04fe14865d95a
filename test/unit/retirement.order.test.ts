import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { retirementOrder } from '../../src/backend/retirement.order';

const replicas = (...numbers: number[]) => numbers.map((number) => ({ number }));
const numbers = (entries: { number: number }[]) => entries.map((e) => e.number);

test('starting replicas go first, then serving ones, newest first within each', () => {
  assert.deepEqual(numbers(retirementOrder(replicas(4, 6), replicas(1, 3, 2, 5), 6)), [6, 4, 5, 3, 2, 1]);
});

test('retires only as many as asked, keeping the oldest serving replicas', () => {
  assert.deepEqual(numbers(retirementOrder(replicas(7), replicas(1, 2, 3), 2)), [7, 3]);
  assert.deepEqual(numbers(retirementOrder([], replicas(1, 2, 3), 1)), [3]);
});

test('asks for none, or more than there are', () => {
  assert.deepEqual(retirementOrder(replicas(2), replicas(1), 0), []);
  assert.deepEqual(retirementOrder(replicas(2), replicas(1), -1), []);
  assert.deepEqual(numbers(retirementOrder(replicas(2), replicas(1), 5)), [2, 1]);
});

test('leaves its inputs in their order', () => {
  const serving = replicas(1, 3, 2);
  retirementOrder(new Set(replicas(5, 4)), serving, 3);
  assert.deepEqual(numbers(serving), [1, 3, 2]);
});
