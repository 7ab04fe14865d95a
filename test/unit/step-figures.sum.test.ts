import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sumStepFigures } from '../../src/fleet/step-figures.sum';

const part = (backend: string, since: number, requests: number, errors: number, p99Ms?: number) => ({
  endpoint: 'e',
  backend,
  since,
  requests,
  errors,
  p99Ms,
});

test('requests and errors add up over the instances; the p99 is the highest of those with requests', () => {
  const own = { requests: 10, errors: 1, p99Ms: 20 };
  const sum = sumStepFigures(own, [part('B', 5, 30, 2, 45), part('B', 5, 0, 0, 900)], 'e', 'B', 5);
  assert.deepEqual(sum, { requests: 40, errors: 3, p99Ms: 45 });
});

test('figures of another step, backend or endpoint are left out', () => {
  const own = { requests: 0, errors: 0, p99Ms: undefined };
  const sum = sumStepFigures(
    own,
    [part('B', 4, 30, 2, 45), part('A', 5, 30, 2, 45), { ...part('B', 5, 7, 0, 12), endpoint: 'other' }],
    'e',
    'B',
    5,
  );
  assert.deepEqual(sum, { requests: 0, errors: 0, p99Ms: undefined });
});
