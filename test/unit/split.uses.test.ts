import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitUses } from '../../src/router/split.uses';
import { fleetChanges } from '../../src/fleet/fleet.change';
import { backendRecord, twoBackends } from '../helpers/fleet.fixtures';

test('a split uses the backends its traffic (weight 0 included) or shadows name, by own key only', () => {
  const split = { traffic: { a: 1, b: 0 }, shadows: { c: 0.1 } };
  for (const name of ['a', 'b', 'c']) assert.equal(splitUses(split, name), true, name);
  for (const name of ['d', 'constructor', 'toString', 'hasOwnProperty'])
    assert.equal(splitUses(split, name), false, name);
});

test("a backend named 'constructor' that no endpoint names can be deleted from the fleet", () => {
  const state = twoBackends();
  state.backends['constructor'] = backendRecord({ className: 'Ctor', exportName: 'Ctor' });
  const next = fleetChanges.deleteBackend('constructor').apply(state);
  assert.equal(Object.hasOwn(next.backends, 'constructor'), false);
  assert.throws(() => fleetChanges.deleteBackend('a').apply(state), /endpoint/);
});
