import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FleetApplier } from '../../src/module/fleet.applier';
import type { FleetRecords } from '../../src/module/fleet.records';
import type { ServeChanges } from '../../src/module/serve.changes';
import { backendRecord, twoBackends } from '../helpers/fleet.fixtures';

/** ServeChanges that records the calls and changes nothing (the applier's own bookkeeping is under test). */
function fakeChanges(calls: string[]): ServeChanges {
  const record = (kind: string) => (nameOrSpec: string | { name: string }) => {
    calls.push(`${kind} ${typeof nameOrSpec === 'string' ? nameOrSpec : nameOrSpec.name}`);
    return Promise.resolve();
  };
  return {
    createBackend: record('createBackend'),
    replaceBackend: record('replaceBackend'),
    deleteBackend: record('deleteBackend'),
    updateBackend: record('updateBackend'),
    deleteEndpoint: record('deleteEndpoint'),
    putEndpoint: (name: string) => void calls.push(`putEndpoint ${name}`),
  } as unknown as ServeChanges;
}

const records = { definition: (name: string) => ({ name }) } as unknown as FleetRecords;

test("a backend named 'toString' is created and later deleted; the state applied follows", async () => {
  const calls: string[] = [];
  const applier = new FleetApplier(fakeChanges(calls), records, () => 'i1', twoBackends());
  const withIt = twoBackends();
  withIt.backends['toString'] = backendRecord();
  assert.deepEqual(await applier.apply({ revision: 1, state: withIt }), []);
  assert.ok(Object.hasOwn(applier.applied.state.backends, 'toString'));
  assert.deepEqual(await applier.apply({ revision: 2, state: twoBackends() }), []);
  assert.equal(Object.hasOwn(applier.applied.state.backends, 'toString'), false);
  assert.deepEqual(calls, ['createBackend toString', 'deleteBackend toString']);
});
