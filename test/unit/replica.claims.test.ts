import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseSharedReplica, sharedLimit } from '../../src/cluster/replica.claims';

const replica = (apps: string[], exiting = false) => ({ apps: new Set(apps), exiting });

/** Attaches `claims` (app ids in order) with chooseSharedReplica, starting a replica when it says so. */
function attachAll(claims: string[]) {
  const replicas: ReturnType<typeof replica>[] = [];
  for (const app of claims) {
    const chosen = chooseSharedReplica(app, replicas);
    if (chosen) chosen.apps.add(app);
    else replicas.push(replica([app]));
  }
  return replicas;
}

test('3 apps × 2 claims, in any order, run 2 replicas, each used by the 3 apps', () => {
  for (const order of [
    ['a', 'a', 'b', 'b', 'c', 'c'],
    ['a', 'b', 'c', 'a', 'b', 'c'],
    ['c', 'a', 'b', 'b', 'a', 'c'],
  ]) {
    const replicas = attachAll(order);
    assert.equal(replicas.length, 2, order.join());
    assert.ok(replicas.every((r) => r.apps.size === 3));
  }
});

test('an app never gets the same replica twice; during a change the largest claim wins', () => {
  const replicas = attachAll(['a', 'a', 'a', 'b', 'b']);
  assert.equal(replicas.length, 3, 'as many replicas as the largest claim (a: 3), not their sum');
  assert.deepEqual(
    replicas.map((r) => r.apps.size),
    [2, 2, 1],
  );
});

test('claims pack onto the most used replica, and exiting replicas take none', () => {
  const busy = replica(['a', 'b']);
  const quiet = replica(['b']);
  assert.equal(chooseSharedReplica('c', [quiet, busy]), busy);
  assert.equal(chooseSharedReplica('a', [quiet, busy]), quiet);
  assert.equal(chooseSharedReplica('c', [replica(['a', 'b'], true)]), undefined);
  assert.equal(chooseSharedReplica('b', [busy, quiet]), undefined);
});

test('the admission limit is the lowest any app asked for', () => {
  assert.equal(sharedLimit([4, 2, 8].map((limit) => ({ limit }))), 2);
  assert.equal(sharedLimit([]), Number.MAX_SAFE_INTEGER);
});
