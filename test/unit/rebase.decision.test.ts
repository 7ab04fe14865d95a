import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fleetChanges } from '../../src/fleet/fleet.change';
import { FleetWriter } from '../../src/fleet/fleet.writer';
import { decideRebase } from '../../src/fleet/rebase.decision';
import { isServeError } from '../../src/serve.errors';
import { FakeFleetStore } from '../helpers/fake.fleet-store';
import { backendRecord, twoBackends } from '../helpers/fleet.fixtures';

test('a change whose entities are as it saw them is retried on the newer state', () => {
  const base = twoBackends();
  const current = structuredClone(base);
  current.backends.c = backendRecord({ className: 'C', exportName: 'C' });
  assert.deepEqual(decideRebase(base, current, ['endpoint:e'], ['backend:a']), { retry: true });
  current.backends.a.config = { ...current.backends.a.config, numReplicas: 9 };
  assert.deepEqual(decideRebase(base, current, ['endpoint:e'], ['backend:a']), { retry: true });
  assert.deepEqual(decideRebase(base, current, ['backend:a']), { retry: false, entity: 'backend:a' });
});

test('a change to an entity another instance changed conflicts on that entity', () => {
  const base = twoBackends();
  const current = structuredClone(base);
  current.endpoints.e.traffic = { a: 0, b: 1 };
  assert.deepEqual(decideRebase(base, current, ['endpoint:e'], ['backend:a']), { retry: false, entity: 'endpoint:e' });
});

test('a change depending on a backend another instance deleted conflicts on the backend', () => {
  const base = twoBackends();
  const current = structuredClone(base);
  delete current.backends.b;
  assert.deepEqual(decideRebase(base, current, ['endpoint:e'], ['backend:a', 'backend:b']), {
    retry: false,
    entity: 'backend:b',
  });
});

test('FleetWriter: a write against the latest revision lands at the next one', async () => {
  const store = new FakeFleetStore();
  store.put(twoBackends());
  const base = (await store.read())!;
  const change = fleetChanges.putEndpoint("setTraffic('e')", 'e', {
    ...base.state.endpoints.e,
    traffic: { a: 0, b: 1 },
  });
  const written = await new FleetWriter(store).write(change, base);
  assert.equal(written.revision, 2);
  assert.deepEqual((await store.read())!.state.endpoints.e.traffic, { a: 0, b: 1 });
});

test('FleetWriter: another instance changed another entity meanwhile: rebased, both changes kept', async () => {
  const store = new FakeFleetStore();
  store.put(twoBackends());
  const base = (await store.read())!;
  store.interpose = () => {
    const other = structuredClone(base.state);
    other.backends.a.config = { ...other.backends.a.config, numReplicas: 4 };
    store.put(other);
  };
  const change = fleetChanges.putEndpoint("setTraffic('e')", 'e', {
    ...base.state.endpoints.e,
    traffic: { a: 0, b: 1 },
  });
  // The change names backend a, whose config changed: it depends only on a's class and code.
  await new FleetWriter(store).write(change, base);
  assert.equal((await store.read())!.state.backends.a.config.numReplicas, 4);
  assert.deepEqual((await store.read())!.state.endpoints.e.traffic, { a: 0, b: 1 });
  const unrelated = fleetChanges.createBackend('c', backendRecord({ className: 'C', exportName: 'C' }));
  store.interpose = () => {
    const other = structuredClone(store.current!.state);
    other.endpoints.e.shadows = { b: 0.5 };
    store.put(other);
  };
  const written = await new FleetWriter(store).write(unrelated, (await store.read())!);
  const final = (await store.read())!;
  assert.equal(written.revision, final.revision);
  assert.deepEqual(final.state.endpoints.e.shadows, { b: 0.5 });
  assert.ok(final.state.backends.c);
});

test('FleetWriter: a conflict rejects with CONFLICT naming both revisions, and writes nothing', async () => {
  const store = new FakeFleetStore();
  store.put(twoBackends());
  const base = (await store.read())!;
  store.interpose = () => {
    const other = structuredClone(base.state);
    other.endpoints.e.traffic = { a: 0.5, b: 0.5 };
    store.put(other);
  };
  const change = fleetChanges.putEndpoint("setTraffic('e')", 'e', {
    ...base.state.endpoints.e,
    traffic: { a: 0, b: 1 },
  });
  const writes = store.writes;
  await assert.rejects(new FleetWriter(store).write(change, base), (err: unknown) => {
    assert.ok(isServeError(err));
    assert.equal(err.code, 'CONFLICT');
    assert.match(
      err.message,
      /setTraffic\('e'\) conflicts .* endpoint:e: .* at revision 2, this call was checked against revision 1/,
    );
    return true;
  });
  assert.equal(store.writes, writes + 1);
  assert.deepEqual((await store.read())!.state.endpoints.e.traffic, { a: 0.5, b: 0.5 });
});

test('changes re-check what may have changed: a route taken meanwhile, a backend still in use', () => {
  const state = twoBackends();
  assert.throws(
    () =>
      fleetChanges.createEndpoint('f', { route: '/e/', methods: ['GET'], traffic: { b: 1 }, shadows: {} }).apply(state),
    /Route '\/e\/' already belongs to endpoint 'e'/,
  );
  assert.throws(() => fleetChanges.deleteBackend('a').apply(state), /still used by endpoint/);
  const restored = fleetChanges.restore('x', state, ['endpoint:e', 'backend:c']).apply({ ...state, endpoints: {} });
  assert.deepEqual(restored.endpoints.e, state.endpoints.e);
});
