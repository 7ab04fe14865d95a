import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveBackendState, nextBackendState, type BackendFacts } from '../../src/signals/backend.state';

const base: BackendFacts = {
  backend: 'model',
  targetReplicas: 2,
  replicas: ['READY', 'READY'],
  operation: 'none',
  everReady: true,
};

function state(facts: Partial<BackendFacts>) {
  return deriveBackendState({ ...base, ...facts });
}

test('all replicas ready is HEALTHY', () => {
  assert.deepEqual(state({}), { state: 'HEALTHY', reason: "Backend 'model' has all 2 replicas ready." });
  assert.equal(state({ targetReplicas: 0, replicas: [] }).state, 'HEALTHY');
});

test('first start is UPDATING; a start failure with no ready replica is DEPLOY_FAILED with the reason', () => {
  assert.equal(state({ everReady: false, replicas: ['STARTING', 'STARTING'] }).state, 'UPDATING');
  const failed = state({
    everReady: false,
    replicas: ['STARTING'],
    lastStartFailure: { replica: 'model#3', reason: 'constructor threw: no weights' },
  });
  assert.equal(failed.state, 'DEPLOY_FAILED');
  assert.match(failed.reason, /model#3 failed to start \(constructor threw: no weights\)/);
  // Even a backend that once served is DEPLOY_FAILED when none of its replicas can start now.
  assert.equal(state({ replicas: [], lastStartFailure: { replica: 'model#4', reason: 'x' } }).state, 'DEPLOY_FAILED');
});

test('losing replicas it had is UNHEALTHY, naming the replica and why', () => {
  const s = state({ replicas: ['READY', 'STARTING'], lastDeath: { replica: 'model#1', reason: 'exit code 137' } });
  assert.equal(s.state, 'UNHEALTHY');
  assert.match(s.reason, /1 of 2 replicas ready: replica model#1 died \(exit code 137\); 1 starting/);
  assert.equal(state({ replicas: ['READY', 'UNHEALTHY'] }).state, 'UNHEALTHY');
  assert.match(
    state({ replicas: ['READY'], lastStartFailure: { replica: 'model#5', reason: 'timeout' } }).reason,
    /model#5 failed to start/,
  );
});

test('scaling up, scaling down, rolling out a config', () => {
  assert.equal(
    state({ targetReplicas: 4, operation: 'scaling', replicas: ['READY', 'READY', 'STARTING'] }).state,
    'UPSCALING',
  );
  assert.equal(
    state({ targetReplicas: 1, operation: 'scaling', replicas: ['READY', 'STOPPING'] }).state,
    'DOWNSCALING',
  );
  assert.equal(state({ targetReplicas: 1, replicas: ['READY', 'READY'] }).state, 'DOWNSCALING');
  assert.equal(state({ operation: 'updating' }).state, 'UPDATING');
  // A death during a rollout is the more urgent news.
  assert.equal(state({ operation: 'updating', replicas: ['READY'] }).state, 'UNHEALTHY');
});

test('since stays while the state stays, and moves when it changes', () => {
  const first = nextBackendState(undefined, base, 100);
  assert.equal(first.since, 100);
  assert.equal(nextBackendState(first, base, 200).since, 100);
  const changed = nextBackendState(first, { ...base, replicas: ['READY'] }, 300);
  assert.deepEqual([changed.state, changed.since], ['UNHEALTHY', 300]);
});
