import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedFleetState } from '../../src/fleet/fleet.seed';
import { DEFAULT_BACKEND_CONFIG } from '../../src/serve.constants';
import { backendRecord, twoBackends } from '../helpers/fleet.fixtures';

test('the first instance seeds the store with its declarations', () => {
  const seeded = seedFleetState(undefined, twoBackends());
  assert.equal(seeded.added, true);
  assert.deepEqual(Object.keys(seeded.state.backends), ['a', 'b']);
  assert.deepEqual(seeded.state.seeded.sort(), ['backend:a', 'backend:b', 'endpoint:e']);
});

test('the stored state wins over a declaration whose defaults changed; nothing to write', () => {
  const stored = seedFleetState(undefined, twoBackends()).state;
  stored.backends.a.config = { ...DEFAULT_BACKEND_CONFIG, numReplicas: 5 };
  stored.endpoints.e.traffic = { a: 0, b: 1 };
  const declared = twoBackends();
  declared.backends.a.config = { ...DEFAULT_BACKEND_CONFIG, numReplicas: 2 };
  const seeded = seedFleetState(stored, declared);
  assert.equal(seeded.added, false);
  assert.equal(seeded.state.backends.a.config.numReplicas, 5);
  assert.deepEqual(seeded.state.endpoints.e.traffic, { a: 0, b: 1 });
  assert.deepEqual(seeded.differing, ['a']);
});

test('an entity deleted at run time stays deleted; a newly declared one is added once', () => {
  const stored = seedFleetState(undefined, twoBackends()).state;
  delete stored.endpoints.e;
  delete stored.backends.b;
  const declared = twoBackends();
  declared.backends.c = backendRecord({ className: 'C', exportName: 'C' });
  const seeded = seedFleetState(stored, declared);
  assert.equal(seeded.added, true);
  assert.deepEqual(Object.keys(seeded.state.backends).sort(), ['a', 'c']);
  assert.equal(seeded.state.endpoints.e, undefined);
  assert.equal(seedFleetState(seeded.state, declared).added, false);
});
