import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseModelReplica, type ModelCandidate } from '../../src/router/model.affinity';

const replica = (over: Partial<ModelCandidate> = {}): ModelCandidate => ({
  inFlight: 0,
  hasRoom: true,
  holds: false,
  loading: false,
  modelInFlight: 0,
  modelUse: 0,
  freeModelSlots: 3,
  victimUse: Infinity,
  ...over,
});
const context = { hotAbove: 3, random: 0 };

test('a holder wins over a less loaded replica without the model', () => {
  const choice = chooseModelReplica([replica(), replica({ holds: true, inFlight: 3, modelInFlight: 1 })], context);
  assert.equal(choice, 1);
});

test('among holders, the one that used the model most lately (a cooled copy gets nothing), then the least loaded', () => {
  const holder = (inFlight: number, modelUse = 1) => replica({ holds: true, inFlight, modelInFlight: 1, modelUse });
  assert.equal(chooseModelReplica([holder(3), holder(1), holder(2)], context), 1);
  assert.equal(chooseModelReplica([holder(1, 0.2), holder(3, 9), holder(0, 0.5)], context), 1, 'the main copy');
  const hotMain = replica({ holds: true, inFlight: 5, modelInFlight: 5, modelUse: 9 });
  assert.equal(
    chooseModelReplica([hotMain, holder(0, 0.2)], context),
    1,
    'the copy takes what the hot main copy cannot',
  );
});

test('single flight: while the model loads on a replica, its requests go there, or wait when it is full', () => {
  const loading = replica({ holds: true, loading: true, modelInFlight: 9, inFlight: 9 });
  assert.equal(chooseModelReplica([replica(), loading], context), 1, 'not loaded on a second replica, even hot');
  const full = replica({ holds: true, loading: true, hasRoom: false, inFlight: 10 });
  assert.equal(chooseModelReplica([replica(), full], context), undefined, 'waits for the load');
});

test('while a hot model is replicated, a holder that has it loaded and has room serves rather than the load', () => {
  const hotHolder = replica({ holds: true, modelInFlight: 5, inFlight: 5 });
  const copying = replica({ holds: true, loading: true, modelInFlight: 1, inFlight: 1 });
  assert.equal(chooseModelReplica([copying, hotHolder, replica()], context), 1);
  const fullHolder = replica({ holds: true, modelInFlight: 8, inFlight: 8, hasRoom: false });
  assert.equal(chooseModelReplica([copying, fullHolder], context), 0, 'the holder is full: wait on the copy');
});

test('a first load goes to a replica with a free model slot, else the one whose victim is coldest', () => {
  const full = (victimUse: number, inFlight = 0) => replica({ freeModelSlots: 0, victimUse, inFlight });
  assert.equal(chooseModelReplica([full(5), replica({ inFlight: 7 }), full(1)], context), 1);
  assert.equal(chooseModelReplica([full(50), full(10), full(30)], context), 1);
  assert.equal(chooseModelReplica([full(10, 5), full(10, 2)], context), 1, 'then the least loaded');
});

test('a hot model is loaded on another replica (replication); a full replica is never chosen', () => {
  const hot = replica({ holds: true, modelInFlight: 4, inFlight: 4 });
  assert.equal(chooseModelReplica([replica({ holds: true, modelInFlight: 3 }), replica()], context), 0, 'not hot yet');
  assert.equal(chooseModelReplica([hot, replica({ inFlight: 1 })], context), 1);
  assert.equal(chooseModelReplica([hot, replica({ hasRoom: false })], context), 0, 'no other replica: the holder');
  assert.equal(chooseModelReplica([replica({ hasRoom: false }), replica({ hasRoom: false })], context), undefined);
});

test('holder-or-least-loaded (Ray-like) ignores loads under way; random picks any replica with room', () => {
  const loading = replica({ holds: true, loading: true, inFlight: 2 });
  assert.equal(chooseModelReplica([loading, replica({ inFlight: 1 })], context, 'holder-or-least-loaded'), 1);
  const open = [replica({ hasRoom: false }), replica(), replica()];
  assert.equal(chooseModelReplica(open, { ...context, random: 0.99 }, 'random'), 2);
  assert.equal(chooseModelReplica(open, { ...context, random: 0 }, 'random'), 1);
});

test('a model listed in modelReplicas is loaded on one more replica until enough hold it, and spread over them', () => {
  const withCopies = { ...context, copies: 2 };
  const holder = (inFlight: number, modelUse = 1) => replica({ holds: true, inFlight, modelInFlight: 1, modelUse });
  assert.equal(chooseModelReplica([holder(0), replica({ inFlight: 3 })], withCopies), 1, 'a second copy is made');
  const loading = replica({ holds: true, loading: true, inFlight: 1, modelInFlight: 1 });
  assert.equal(chooseModelReplica([holder(0), loading, replica()], withCopies), 0, 'one load at a time');
  assert.equal(
    chooseModelReplica([holder(3, 9), holder(1, 0.1)], withCopies),
    1,
    'least loaded copy, not the most used',
  );
  assert.equal(
    chooseModelReplica([holder(0), replica({ hasRoom: false })], withCopies),
    0,
    'no room elsewhere: served',
  );
});
