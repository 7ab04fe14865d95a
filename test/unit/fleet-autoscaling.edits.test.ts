import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoscaledChange } from '../../src/fleet/fleet-autoscaling.edits';
import { resolveAutoscalingConfig } from '../../src/router/autoscaling.policy';
import { backendRecord, twoBackends } from '../helpers/fleet.fixtures';

const record = (from: number, target: number) => ({ from, target, reason: 'load', at: 1, decidedBy: 'one (i1)' });

function autoscaled(numReplicas: number) {
  const state = twoBackends();
  const base = backendRecord();
  state.backends.a = { ...base, config: { ...base.config, numReplicas, autoscaling: resolveAutoscalingConfig({}) } };
  return state;
}

test('an autoscaling move sets numReplicas and records who decided it, without touching its argument', () => {
  const before = autoscaled(1);
  const change = autoscaledChange('a', record(1, 3));
  assert.deepEqual(change.touches, [], 'rebased on any newer state: never a 409 for the decider');
  const after = change.apply(before);
  assert.equal(after.backends.a.config.numReplicas, 3);
  assert.deepEqual(after.autoscaling, { a: record(1, 3) });
  assert.equal(before.backends.a.config.numReplicas, 1);
  assert.equal(before.autoscaling, undefined);
});

test('a move decided on a count that changed meanwhile, or for a backend no longer autoscaled, writes nothing', () => {
  assert.throws(() => autoscaledChange('a', record(0, 1)).apply(autoscaled(1)), /numReplicas .* is 1, not 0/);
  assert.throws(() => autoscaledChange('b', record(1, 2)).apply(autoscaled(1)), /is gone .* not 1/);
  assert.throws(() => autoscaledChange('zz', record(1, 2)).apply(autoscaled(1)), { code: 'CONFLICT' });
});
