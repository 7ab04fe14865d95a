import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReplicaTransport } from '../../src/replicas/replica.interface';
import type { FromReplica, ToReplica } from '../../src/replicas/replica.protocol';
import { SharedReplica, encodeConfig, type ReplicaClaim } from '../../src/cluster/shared.replica';

/** A shared replica over a fake transport: what it posts to the replica, and a way to answer. */
function setup(config?: unknown) {
  const posted: ToReplica[] = [];
  let listener: (batch: unknown[]) => void = () => undefined;
  const transport: ReplicaTransport = {
    post: (batch) => void posted.push(...(batch as ToReplica[])),
    onMessage: (l) => void (listener = l),
    onExit: () => undefined,
    kill: () => undefined,
  };
  const stopped: string[] = [];
  const replica = new SharedReplica('b#h-1', 'b', 1, 'h', transport, encodeConfig(config !== undefined, config), (c) =>
    stopped.push(c.key),
  );
  const answer = (...batch: FromReplica[]) => listener(batch);
  return { replica, posted, answer, stopped };
}

function claim(app: string, key: string, limit = 2, config?: unknown) {
  const got: FromReplica[] = [];
  const c: ReplicaClaim = {
    app,
    key,
    limit,
    config: encodeConfig(config !== undefined, config),
    ids: new Map(),
    stopping: false,
    send: (batch) => void got.push(...batch),
  };
  return { c, got };
}

/** A ready shared replica with two apps attached, A then B (limits `limitA`, `limitB`). */
function twoApps(limitA = 2, limitB = 2) {
  const shared = setup();
  const a = claim('A', 'A-1', limitA);
  const b = claim('B', 'B-1', limitB);
  shared.replica.attach(a.c);
  shared.replica.attach(b.c);
  shared.answer({ t: 'ready' });
  return { ...shared, a, b };
}

const call = (id: number): ToReplica => ({ t: 'call', id, m: 'call', r: { id: `r${id}` } as never });
const ok = (id: number): FromReplica => ({ t: 'result', id, o: { ok: true, v: { v: id } } });

test('apps numbering their calls alike get their own answers back, under their own ids', () => {
  const { replica, posted, answer, a, b } = twoApps();
  assert.deepEqual(a.got, [{ t: 'ready' }]);
  assert.deepEqual(b.got, [{ t: 'ready' }]);
  replica.fromApp(a.c, [call(1)]);
  replica.fromApp(b.c, [call(1)]);
  const [first, second] = posted.map((m) => (m as { id: number }).id);
  assert.notEqual(first, second);
  answer(ok(second), ok(first));
  assert.deepEqual(a.got.slice(1), [{ t: 'result', id: 1, o: { ok: true, v: { v: first } } }]);
  assert.deepEqual(b.got.slice(1), [{ t: 'result', id: 1, o: { ok: true, v: { v: second } } }]);
  assert.equal(replica.inFlight, 0);
});

test('a full replica refuses at once without running the call; a cancel frees its slot', () => {
  const { replica, posted, a, b } = twoApps(2, 3);
  replica.fromApp(a.c, [call(1), call(2)]);
  replica.fromApp(b.c, [call(1)]);
  assert.equal(posted.length, 2, 'the lowest limit of its apps (2) holds');
  const refusal = b.got.at(-1) as Extract<FromReplica, { t: 'result' }>;
  assert.equal(refusal.id, 1);
  assert.ok(!refusal.o.ok && refusal.o.e.refused && refusal.o.e.notStarted && refusal.o.e.code === 'OVERLOADED');
  assert.match(!refusal.o.ok ? refusal.o.e.message : '', /b#h-1 on replica host h is full \(maxConcurrentQueries 2/);
  replica.fromApp(a.c, [{ t: 'cancel', id: 2 }]);
  replica.fromApp(b.c, [call(1)]);
  assert.equal(posted.length, 4, 'the cancel went to the replica, then the call');
  assert.deepEqual(replica.status, {
    id: 'b#h-1',
    backend: 'b',
    apps: 2,
    inFlight: 2,
    maxInFlight: 2,
    maxConcurrentQueries: 2,
    calls: 3,
    refused: 1,
  });
});

test('a config already running is not pushed again; a newcomer with another config gets it before ready', () => {
  const { replica, posted, answer } = setup({ v: 1 });
  const a = claim('A', 'A-1', 2, { v: 1 });
  replica.attach(a.c);
  answer({ t: 'ready' });
  replica.fromApp(a.c, [{ t: 'reconfigure', id: 7, c: { v: 1 } }]);
  assert.deepEqual(a.got.at(-1), { t: 'reconfigured', id: 7 });
  assert.equal(posted.length, 0);
  const b = claim('B', 'B-1', 2, { v: 2 });
  replica.attach(b.c);
  assert.equal(b.got.length, 0, 'not ready before its config runs');
  const push = posted.at(-1) as Extract<ToReplica, { t: 'reconfigure' }>;
  assert.deepEqual(push.c, { v: 2 });
  answer({ t: 'reconfigured', id: push.id });
  assert.deepEqual(b.got, [{ t: 'ready' }]);
});

test('an app stopping its replica is detached once its calls end; a detached app’s calls are cancelled', () => {
  const { replica, posted, answer, stopped, a, b } = twoApps();
  replica.fromApp(a.c, [call(1)]);
  replica.fromApp(a.c, [{ t: 'stop' }]);
  assert.deepEqual(stopped, []);
  assert.ok(!posted.some((m) => m.t === 'stop'), 'the shared replica itself goes on');
  answer(ok((posted[0] as { id: number }).id));
  assert.deepEqual(stopped, ['A-1']);
  replica.fromApp(b.c, [call(5)]);
  const id = (posted.at(-1) as { id: number }).id;
  assert.equal(replica.detach(b.c), false, 'A is still attached (until its host detaches it)');
  assert.deepEqual(posted.at(-1), { t: 'cancel', id });
  assert.equal(replica.inFlight, 0);
  assert.equal(replica.detach(a.c), true, 'no claim left');
});

test('a live maxConcurrentQueries change (sent with the batching settings) moves the admission limit', () => {
  const { replica, posted, answer } = setup();
  const a = claim('A', 'A-1', 1);
  replica.attach(a.c);
  answer({ t: 'ready' });
  replica.fromApp(a.c, [call(1), call(2)]);
  assert.equal(replica.refused, 1);
  replica.fromApp(a.c, [{ t: 'batching', size: 1, waitMs: 0, max: 3 }, call(3), call(4)]);
  assert.equal(replica.status.maxConcurrentQueries, 3);
  assert.equal(replica.inFlight, 3);
  assert.deepEqual(
    posted.map((m) => m.t),
    ['call', 'batching', 'call', 'call'],
  );
});

test('an unload reaches the replica from its sole user only; another user hears at once the models the replica last reported', () => {
  const { replica, posted, answer, a, b } = twoApps();
  const unload: ToReplica = { t: 'unload-models', ids: ['m'] };
  replica.fromApp(b.c, [unload]);
  assert.deepEqual(b.got, [{ t: 'ready' }], 'no report seen yet: nothing to tell');
  replica.fromApp(a.c, [call(1)]);
  const counts = { hits: 1, misses: 0, loads: 0, failures: 0, evictions: 0, loadMs: [] };
  answer({
    t: 'result',
    id: (posted[0] as { id: number }).id,
    o: { ok: true, v: { v: 1 }, mx: { held: ['m', 'x'], ...counts } },
  });
  replica.fromApp(b.c, [unload]);
  assert.ok(!posted.some((m) => m.t === 'unload-models'), 'A may still route to its copy: not unloaded');
  const none = { hits: 0, misses: 0, loads: 0, failures: 0, evictions: 0, loadMs: [] };
  assert.deepEqual(b.got.at(-1), { t: 'models', mx: { held: ['m', 'x'], ...none } }, 'nothing counted twice');
  answer({ t: 'models', mx: { held: ['x', 'm'], ...counts } });
  replica.fromApp(b.c, [unload]);
  assert.deepEqual(b.got.at(-1), { t: 'models', mx: { held: ['x', 'm'], ...none } }, 'its latest list');
  replica.detach(a.c);
  replica.fromApp(b.c, [unload]);
  assert.deepEqual(posted.at(-1), unload);
});

test('a standalone models report reaches a sole user whole; with two users one gets the counts, the other the held list alone', () => {
  const { replica, posted, answer } = setup();
  const a = claim('A', 'A-1');
  replica.attach(a.c);
  answer({ t: 'ready' });
  const report = { held: ['m'], hits: 0, misses: 1, loads: 1, failures: 0, evictions: 1, loadMs: [12] };
  answer({ t: 'models', mx: report });
  assert.deepEqual(a.got.at(-1), { t: 'models', mx: report });
  const b = claim('B', 'B-1');
  replica.attach(b.c);
  replica.fromApp(b.c, [call(1)]);
  const next = { ...report, held: ['m', 'x'] };
  answer({ t: 'models', mx: next });
  const none = { held: ['m', 'x'], hits: 0, misses: 0, loads: 0, failures: 0, evictions: 0, loadMs: [] };
  assert.deepEqual(b.got.at(-1), { t: 'models', mx: next }, 'the app whose call runs (likely the one that loaded)');
  assert.deepEqual(a.got.at(-1), { t: 'models', mx: none });
  answer(ok((posted[0] as { id: number }).id));
  answer({ t: 'models', mx: report });
  assert.deepEqual(a.got.at(-1), { t: 'models', mx: report }, 'no call running: the first app');
  assert.deepEqual(b.got.at(-1), { t: 'models', mx: { ...none, held: ['m'] } });
});
