import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configUpdate, diffFleetState } from '../../src/fleet/fleet.diff';
import { emptyFleetState } from '../../src/fleet/fleet.state';
import { DEFAULT_BACKEND_CONFIG } from '../../src/serve.constants';
import { backendRecord, twoBackends } from '../helpers/fleet.fixtures';

test('equal states give no step, whatever the order of keys (applying twice changes nothing)', () => {
  const a = twoBackends();
  const b = structuredClone(a);
  b.endpoints.e = { shadows: {}, traffic: { b: 0, a: 1 }, methods: ['GET'], route: '/e' };
  assert.deepEqual(diffFleetState(a, b), []);
});

test('from nothing: backends are created before the endpoint that names them', () => {
  const steps = diffFleetState(emptyFleetState(), twoBackends());
  assert.deepEqual(
    steps.map((s) => `${s.kind} ${s.name}`),
    ['createBackend a', 'createBackend b', 'putEndpoint e'],
  );
});

test('to nothing: endpoints go first, backends last', () => {
  const steps = diffFleetState(twoBackends(), emptyFleetState());
  assert.deepEqual(
    steps.map((s) => `${s.kind} ${s.name}`),
    ['deleteEndpoint e', 'deleteBackend a', 'deleteBackend b'],
  );
});

test('a removed endpoint frees its route before another endpoint takes it', () => {
  const before = twoBackends();
  const after = structuredClone(before);
  delete after.endpoints.e;
  after.endpoints.f = { route: '/e', methods: ['GET'], traffic: { b: 1 }, shadows: {} };
  assert.deepEqual(
    diffFleetState(before, after).map((s) => `${s.kind} ${s.name}`),
    ['deleteEndpoint e', 'putEndpoint f'],
  );
});

test('a config change is an update of the fields that changed; autoscaling removed is null', () => {
  const before = twoBackends();
  before.backends.a.config.autoscaling = { ...before.backends.a.config, minReplicas: 1 } as never;
  const after = structuredClone(before);
  after.backends.a.config = { ...DEFAULT_BACKEND_CONFIG, numReplicas: 3, userConfig: { t: 0.5 } };
  const steps = diffFleetState(before, after);
  assert.deepEqual(steps, [
    { kind: 'updateBackend', name: 'a', update: { numReplicas: 3, userConfig: { t: 0.5 }, autoscaling: null } },
  ]);
  assert.equal(configUpdate(after.backends.a.config, structuredClone(after.backends.a.config)), undefined);
});

test('another code version or class under the same name is a replacement, not an update', () => {
  const before = twoBackends();
  const after = structuredClone(before);
  after.backends.a = backendRecord({ codeVersion: 'sha256:bbbb' });
  assert.deepEqual(
    diffFleetState(before, after).map((s) => `${s.kind} ${s.name}`),
    ['replaceBackend a'],
  );
});

test('traffic and shadows changes are one putEndpoint', () => {
  const before = twoBackends();
  const after = structuredClone(before);
  after.endpoints.e.traffic = { a: 0.5, b: 0.5 };
  after.endpoints.e.shadows = { b: 0.1 };
  assert.deepEqual(diffFleetState(before, after), [{ kind: 'putEndpoint', name: 'e', endpoint: after.endpoints.e }]);
});
