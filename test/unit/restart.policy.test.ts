import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MAX_RESTART_DELAY_MS, RestartPolicy, STABLE_AFTER_MS } from '../../src/backend/restart.policy';

test('no delay after a stable replica; doubling backoff per failed start, capped', () => {
  const policy = new RestartPolicy();
  assert.deepEqual(
    [0, 1, 2, 3, 6, 7, 20].map((f) => policy.delayMs(f)),
    [0, 200, 400, 800, 6_400, MAX_RESTART_DELAY_MS, MAX_RESTART_DELAY_MS],
  );
});

test('a replica that dies soon after ready counts as a failed start; one that ran stably resets the count', () => {
  const policy = new RestartPolicy();
  assert.equal(policy.failuresAfterExit(2, 1_000, 1_000 + STABLE_AFTER_MS - 1), 3);
  assert.equal(policy.failuresAfterExit(2, 1_000, 1_000 + STABLE_AFTER_MS), 0);
});
