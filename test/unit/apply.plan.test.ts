import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planApply } from '../../src/fleet/apply.plan';
import { validateFleetFile } from '../../src/fleet/fleet-file.validator';
import { backendRecord, runningRollout, twoBackends } from '../helpers/fleet.fixtures';

const stored = () => ({ revision: 7, state: twoBackends() });
const plan = (doc: unknown, prune = false) => planApply(stored(), validateFleetFile(doc, 'f.json'), prune, 'f.json');
const summary = (doc: unknown, prune = false) =>
  plan(doc, prune).changes.map((c) => `${c.step.kind} ${c.step.name}: ${c.effects.join(',')}`);

test('merge: the file updates what it lists, keeps the rest; each change says what it does to replicas', () => {
  const p = plan({
    backends: { a: { config: { userConfig: { x: 1 }, numReplicas: 2 } }, b: { config: { requestTimeoutMs: 5 } } },
    endpoints: { e: { route: '/e', traffic: { b: 1 } }, f: { route: '/f', traffic: { a: 1 } } },
  });
  assert.equal(p.base, 7);
  assert.equal(p.state.backends.a.config.numReplicas, 2);
  assert.equal(p.state.backends.a.className, 'Echo');
  assert.deepEqual(
    p.changes.map((c) => `${c.step.kind} ${c.step.name}: ${c.effects.join(',')}`),
    [
      'updateBackend a: reconfigures,scales',
      'updateBackend b: settings',
      'putEndpoint e: routing',
      'putEndpoint f: routing',
    ],
  );
});

test('the same state plans nothing; a new backend needs its class fields, then starts replicas', () => {
  assert.deepEqual(summary({ backends: { a: {} }, endpoints: { e: { route: '/e', traffic: { a: 1, b: 0 } } } }), []);
  assert.throws(
    () => plan({ backends: { c: { config: {} } } }),
    /backends\.c does not exist in the fleet, and apply cannot create a backend from a class/,
  );
  assert.throws(() => plan({ backends: { c: { modulePath: '/x.js' } } }), /backends\.c\.exportName is missing/);
  const { config: _config, ...definition } = backendRecord({ exportName: 'C', codeVersion: 'sha256:cc' });
  assert.deepEqual(summary({ backends: { c: definition } }), ['createBackend c: starts']);
  assert.deepEqual(summary({ backends: { a: { ...definition, exportName: 'Echo' } } }), ['replaceBackend a: restarts']);
});

test('--prune deletes what the file omits, never a backend an endpoint still names', () => {
  assert.deepEqual(summary({ backends: { a: {}, b: {} } }, true), ['deleteEndpoint e: routing']);
  assert.deepEqual(summary({}, true), [
    'deleteEndpoint e: routing',
    'deleteBackend a: stops',
    'deleteBackend b: stops',
  ]);
  assert.throws(
    () => plan({ backends: { a: {} }, endpoints: { e: { route: '/e', traffic: { a: 0.5, b: 0.5 } } } }, true),
    /--prune would delete backend 'b'.*endpoint\(s\) e/,
  );
});

test('refuses unknown backends, shared routes and a changed cpusPerReplica, naming the field', () => {
  assert.throws(
    () => plan({ endpoints: { f: { route: '/f', traffic: { z: 1 } } } }),
    /endpoints\.f\.traffic names backend 'z'/,
  );
  assert.throws(
    () => plan({ endpoints: { f: { route: '/e/', traffic: { a: 1 } } } }),
    /endpoints\.e and endpoints\.f both have route/,
  );
  assert.throws(
    () => plan({ backends: { a: { config: { cpusPerReplica: 2 } } } }),
    /backends\.a\.config\.cpusPerReplica is 2/,
  );
});

test('an endpoint being rolled out keeps its split (CONFLICT, nothing planned); --prune deleting it ends the rollout', () => {
  const rolling = () => {
    const state = twoBackends();
    state.rollouts = {
      e: runningRollout('b', { a: 1, b: 0 }),
    };
    return { revision: 9, state };
  };
  const planOn = (doc: unknown, prune = false) =>
    planApply(rolling(), validateFleetFile(doc, 'f.json'), prune, 'f.json');
  assert.throws(
    () => planOn({ endpoints: { e: { route: '/e', traffic: { a: 1 } } } }),
    (err: { code?: string; message: string }) =>
      err.code === 'CONFLICT' && /endpoint 'e' while it is being rolled out to backend 'b'/.test(err.message),
  );
  assert.deepEqual(
    planOn({ backends: { a: { config: { numReplicas: 2 } } } }).changes.map((c) => c.step.kind),
    ['updateBackend'],
  );
  const pruned = planOn({ backends: { a: {}, b: {} } }, true);
  assert.deepEqual(
    pruned.changes.map((c) => `${c.step.kind} ${c.step.name}`),
    ['deleteEndpoint e'],
  );
  assert.equal(pruned.state.rollouts?.e.result?.outcome, 'rolled-back');
});
