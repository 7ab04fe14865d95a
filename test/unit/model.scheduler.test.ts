import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelScheduler } from '../../src/router/model.scheduler';
import { RequestQueue } from '../../src/router/request.queue';
import type { ReplicaSlot } from '../../src/router/replica.scheduler';

const slot = (id: string): ReplicaSlot => ({ id, inFlight: 0, accepting: true });
const report = (held: string[]) => ({ held, hits: 0, misses: 1, loads: 1, failures: 0, evictions: 0, loadMs: [50] });

test('a first request marks its model loading on one replica; its report makes it held there', () => {
  const s = new ModelScheduler(8, { capacity: 2 });
  const [a, b] = [slot('a'), slot('b')];
  s.add(a);
  s.add(b);
  const first = s.pick('m')!;
  first.inFlight++;
  const second = s.pick('m')!;
  assert.equal(second, first, 'concurrent first requests go to the replica loading it');
  second.inFlight++;
  assert.deepEqual(s.modelsOf(first), [], 'loading is not held yet');
  first.inFlight--;
  s.finished(first, 'm', report(['m']));
  assert.deepEqual(s.modelsOf(first), ['m']);
});

test('a failed load (no report of it) forgets the model; preloads count as held at start', () => {
  const s = new ModelScheduler(8, { capacity: 2, preload: ['p1', 'p2', 'p3'] });
  const a = slot('a');
  s.add(a);
  assert.deepEqual(s.modelsOf(a), ['p2', 'p3'], 'the last maxModelsPerReplica preloads');
  s.pick('x');
  s.finished(a, 'x', report(['p2', 'p3']));
  assert.deepEqual(s.modelsOf(a), ['p2', 'p3']);
  assert.equal(s.mayPass > 0, true);
});

test('the queue offers its items in order and keeps the refused ones in order', () => {
  const q = new RequestQueue<{ n: number; cancelled?: boolean }>();
  for (let n = 1; n <= 5; n++) q.push({ n });
  const taken: number[] = [];
  q.offer((item) => item.n % 2 === 0 && taken.push(item.n) > 0, 16);
  assert.deepEqual(taken, [2, 4]);
  assert.deepEqual(
    q.drain().map((i) => i.n),
    [1, 3, 5],
  );
  for (let n = 1; n <= 3; n++) q.push({ n });
  q.offer(() => false, 0);
  assert.equal(q.size, 3, 'strict FIFO stops at the first refusal and keeps everything');
});

for (const hotId of ['hot', 'constructor']) {
  test(`a hot model copy that cooled is unloaded after idleCopyMs; the copy used most, floors and preloads stay (model '${hotId}')`, () => {
    let now = 0;
    const unloaded: [string, string[]][] = [];
    const s = new ModelScheduler(
      8,
      {
        capacity: 3,
        hotModelInFlight: 2,
        idleCopyMs: 5000,
        preload: ['p'],
        modelReplicas: { twin: 2 },
        clock: () => now,
      },
      undefined,
      (slot, ids) => unloaded.push([slot.id, ids]),
    );
    const [a, b] = [slot('a'), slot('b')];
    s.add(a);
    s.add(b);
    const send = (model: string) => {
      const chosen = s.pick(model)!;
      chosen.inFlight++;
      return chosen;
    };
    const done = (chosen: ReplicaSlot, model: string) => {
      chosen.inFlight--;
      s.finished(chosen, model, report([...s.modelsOf(chosen), model]));
    };
    // The model loads on a, gets hot there, and is copied to b.
    done(send(hotId), hotId);
    const running = [send(hotId), send(hotId), send(hotId)];
    assert.deepEqual(
      running.map((r) => r.id),
      ['a', 'a', 'b'],
      'the third concurrent request makes a copy',
    );
    for (const r of running) done(r, hotId);
    done(send('twin'), 'twin');
    done(send('twin'), 'twin');
    // It cools: its requests stay on a, the copy on b gets none.
    for (let i = 0; i < 5; i++) {
      now += 1500;
      const chosen = send(hotId);
      assert.equal(chosen.id, 'a', 'a cooled model stays on the copy used most');
      done(chosen, hotId);
    }
    assert.deepEqual(unloaded, [['b', [hotId]]], 'the idle copy is unloaded, twin (floor 2) and p (preload) stay');
    assert.deepEqual(s.modelsOf(b).sort(), ['p', 'twin']);
    now += 60_000;
    done(send('other'), 'other');
    assert.ok(s.modelsOf(a).includes(hotId), 'its last copy stays, however idle');
    assert.equal(unloaded.length, 1);
  });
}

test('an idle copy asked to unload is not shown and frees its slot; a replica that keeps it (a shared one refused) is not asked again for idleCopyMs, one that drops it loses it', () => {
  let now = 0;
  const unloaded: [string, string[]][] = [];
  const s = new ModelScheduler(8, { capacity: 2, idleCopyMs: 5000, clock: () => now }, undefined, (slot, ids) =>
    unloaded.push([slot.id, ids]),
  );
  const [a, b] = [slot('a'), slot('b')];
  s.add(a);
  s.add(b);
  s.finished(a, undefined, report(['m', 'y']));
  s.finished(b, undefined, report(['m']));
  /** One request for `model`, answered with `held` as the chosen replica's report. */
  const use = (model: string, held: string[]) => {
    const chosen = s.pick(model)!;
    s.finished(chosen, model, report(held));
    return chosen.id;
  };
  now = 6000;
  assert.equal(use('m', ['m', 'y']), 'a', 'the sweep of this pick asks b to unload its idle copy');
  assert.deepEqual(unloaded, [['b', ['m']]]);
  assert.deepEqual(s.modelsOf(b), [], 'a copy leaving is not shown');
  now += 1000;
  assert.equal(use('x', ['m', 'x']), 'b', 'its slot counts as free: b, not the full a, takes a new model');
  assert.deepEqual(s.modelsOf(b).sort(), ['m', 'x'], 'b kept it (its report lists it): a normal copy again');
  for (let t = 0; t < 3; t++) {
    now += 1000;
    assert.equal(use('m', ['m', 'y']), 'a');
  }
  assert.deepEqual(unloaded, [['b', ['m']]], 'not asked again within idleCopyMs of the first ask');
  now += 1000;
  use('m', ['m', 'y']);
  assert.deepEqual(
    unloaded,
    [
      ['b', ['m']],
      ['b', ['m']],
    ],
    'asked again once idle another idleCopyMs',
  );
  s.finished(b, undefined, report(['x']));
  assert.deepEqual(s.modelsOf(b), ['x'], 'b dropped it');
  now += 60_000;
  use('m', ['m', 'y']);
  assert.equal(unloaded.length, 2, 'its last copy stays');
});
