import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planApply } from '../../src/fleet/apply.plan';
import { diffFleetState } from '../../src/fleet/fleet.diff';
import { fleetChanges } from '../../src/fleet/fleet.change';
import { validateFleetFile } from '../../src/fleet/fleet-file.validator';
import { seedFleetState } from '../../src/fleet/fleet.seed';
import { emptyFleetState } from '../../src/fleet/fleet.state';
import { ownEntry } from '../../src/utils/object.util';
import { backendRecord, twoBackends } from '../helpers/fleet.fixtures';

// Backend and endpoint names are free strings; `Object` members must read as absent, not as the inherited method.
const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];

test('ownEntry reads own keys only', () => {
  assert.equal(ownEntry({}, 'toString'), undefined);
  assert.equal(ownEntry({ toString: 1 }, 'toString'), 1);
  assert.equal(ownEntry(undefined, 'a'), undefined);
});

test('seeding: declared backends and endpoints named like Object members reach the shared state', () => {
  for (const name of NAMES) {
    const declared = emptyFleetState();
    declared.backends[name] = backendRecord();
    declared.endpoints[name] = { route: `/${name}`, methods: ['GET'], traffic: { [name]: 1 }, shadows: {} };
    const seeded = seedFleetState(twoBackends(), declared);
    assert.equal(seeded.added, true, name);
    assert.ok(Object.hasOwn(seeded.state.backends, name), name);
    assert.ok(Object.hasOwn(seeded.state.endpoints, name), name);
    assert.deepEqual(seeded.differing, [], name);
  }
});

test('createBackend / createEndpoint of such a name is no conflict; a change to a missing one is NOT_FOUND', () => {
  for (const name of NAMES) {
    const withBackend = fleetChanges.createBackend(name, backendRecord()).apply(twoBackends());
    assert.ok(Object.hasOwn(withBackend.backends, name), name);
    const endpoint = { route: `/${name}`, methods: ['GET'], traffic: { a: 1 }, shadows: {} };
    assert.ok(Object.hasOwn(fleetChanges.createEndpoint(name, endpoint).apply(twoBackends()).endpoints, name));
    assert.throws(
      () => fleetChanges.createEndpoint('x', { ...endpoint, route: '/x', traffic: { [name]: 1 } }).apply(twoBackends()),
      (err: { code?: string }) => err.code === 'NOT_FOUND',
      name,
    );
    assert.throws(
      () => fleetChanges.putEndpoint('setTraffic', name, endpoint).apply(twoBackends()),
      (err: { code?: string }) => err.code === 'NOT_FOUND',
      name,
    );
  }
});

test('diff: a desired backend or endpoint named like an Object member is created, and deleted when gone', () => {
  const desired = twoBackends();
  desired.backends['toString'] = backendRecord();
  desired.endpoints['constructor'] = { route: '/c', methods: ['GET'], traffic: { toString: 1 }, shadows: {} };
  const kinds = (from: typeof desired, to: typeof desired) =>
    diffFleetState(from, to).map((s) => `${s.kind} ${s.name}`);
  assert.deepEqual(kinds(twoBackends(), desired), ['createBackend toString', 'putEndpoint constructor']);
  assert.deepEqual(kinds(desired, twoBackends()), ['deleteEndpoint constructor', 'deleteBackend toString']);
});

test('apply: a split naming a missing backend called like an Object member is refused; config only is no crash', () => {
  const plan = (doc: unknown) =>
    planApply({ revision: 3, state: twoBackends() }, validateFleetFile(doc, 'f.json'), false, 'f.json');
  assert.throws(
    () => plan({ endpoints: { e5: { route: '/e5', traffic: { toString: 1 } } } }),
    /endpoints\.e5\.traffic names backend 'toString'/,
  );
  assert.throws(
    () => plan({ backends: { constructor: { config: { numReplicas: 2 } } } }),
    /backends\.constructor does not exist in the fleet/,
  );
});

test('routes that differ only in case are one route in the fleet (an instance may ignore case)', () => {
  const endpoint = (route: string) => ({ route, methods: ['GET'], traffic: { a: 1 }, shadows: {} });
  assert.throws(
    () => fleetChanges.createEndpoint('E2', endpoint('/E/')).apply(twoBackends()),
    (err: { code?: string }) => err.code === 'CONFLICT',
  );
  assert.throws(
    () =>
      planApply(
        { revision: 3, state: twoBackends() },
        validateFleetFile({ endpoints: { f: { route: '/E', traffic: { a: 1 } } } }, 'f.json'),
        false,
        'f.json',
      ),
    /both have route/,
  );
  const declared = emptyFleetState();
  declared.endpoints.upper = endpoint('/E');
  assert.equal(Object.hasOwn(seedFleetState(twoBackends(), declared).state.endpoints, 'upper'), false);
});
