import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelCache } from '../../src/replicas/model.cache';

function fixture(capacity: number, extra: { maxMemoryMb?: number; fail?: Set<string> } = {}) {
  const loads: string[] = [];
  const unloads: string[] = [];
  const gates = new Map<string, () => void>();
  const cache = new ModelCache<{ id: string; memoryMb?: number }>({
    capacity,
    maxMemoryMb: extra.maxMemoryMb,
    load: async (id) => {
      loads.push(id);
      await new Promise<void>((resolve) => (id.startsWith('slow') ? gates.set(id, resolve) : resolve()));
      if (extra.fail?.has(id)) throw new Error(`no ${id}`);
      return { id, memoryMb: 10 };
    },
    unload: (model) => void unloads.push(model.id),
    memoryBytes: () => 0,
  });
  return { cache, loads, unloads, gates };
}

test('a hit does not load again; the least recently used model is evicted and unloaded', async () => {
  const { cache, loads, unloads } = fixture(2);
  await cache.get('a');
  await cache.get('b');
  await cache.get('a');
  await cache.get('c');
  assert.deepEqual(loads, ['a', 'b', 'c']);
  assert.deepEqual(unloads, ['b']);
  assert.deepEqual(cache.held, ['a', 'c']);
  const report = cache.report();
  assert.deepEqual(
    { ...report, loadMs: report.loadMs.length },
    { held: ['a', 'c'], hits: 1, misses: 3, loads: 3, failures: 0, evictions: 1, loadMs: 3 },
  );
  assert.deepEqual(cache.report().hits, 0, 'a report counts since the previous one');
});

test('concurrent first requests for one model load it once (single flight)', async () => {
  const { cache, loads, gates } = fixture(2);
  const waiting = Array.from({ length: 5 }, () => cache.get('slow-a'));
  await new Promise((r) => setImmediate(r));
  gates.get('slow-a')!();
  const models = await Promise.all(waiting);
  assert.deepEqual(loads, ['slow-a']);
  assert.ok(models.every((m) => m === models[0]));
  const report = cache.report();
  assert.equal(report.misses, 5);
  assert.equal(report.loads, 1);
});

test('a failed load is not remembered: the next request tries again', async () => {
  const fail = new Set(['x']);
  const { cache, loads } = fixture(2, { fail });
  await assert.rejects(cache.get('x'), /no x/);
  assert.deepEqual(cache.held, []);
  fail.delete('x');
  assert.equal((await cache.get('x')).id, 'x');
  assert.deepEqual(loads, ['x', 'x']);
  const report = cache.report();
  assert.equal(report.failures, 1);
  assert.equal(report.loads, 1);
});

test('a model in use is not evicted; it goes once its request releases it', async () => {
  const { cache, unloads } = fixture(1);
  await cache.get('a', true);
  await cache.get('b');
  assert.deepEqual(cache.held, ['a', 'b'], 'over capacity while a is in use');
  assert.deepEqual(unloads, []);
  cache.release('a');
  assert.deepEqual(cache.held, ['b']);
  assert.deepEqual(unloads, ['a']);
});

test('the memory budget evicts too (a model may declare its own memoryMb)', async () => {
  const { cache, unloads } = fixture(10, { maxMemoryMb: 25 });
  await cache.get('a');
  await cache.get('b');
  await cache.get('c');
  assert.deepEqual(cache.held, ['b', 'c']);
  assert.deepEqual(unloads, ['a']);
});

test('close unloads every model', async () => {
  const { cache, unloads } = fixture(3);
  await cache.get('a');
  await cache.get('b');
  await cache.close();
  assert.deepEqual(unloads.sort(), ['a', 'b']);
  assert.deepEqual(cache.held, []);
});

test('requests that waited for a load hold the model from the moment it is loaded', async () => {
  const { cache, unloads, gates } = fixture(1);
  const a = cache.get('slow-a', true);
  const b = cache.get('slow-b', true);
  await new Promise((r) => setImmediate(r));
  gates.get('slow-a')!();
  gates.get('slow-b')!();
  await Promise.all([a, b]);
  assert.deepEqual(unloads, [], 'neither evicted while its request runs');
  cache.release('slow-a');
  assert.deepEqual(unloads, ['slow-a']);
});

test('eviction takes the model used least lately, not the least recently used one', async () => {
  let now = 0;
  const unloaded: string[] = [];
  const cache = new ModelCache<string>({
    capacity: 2,
    load: async (id) => id,
    unload: (_m, id) => void unloaded.push(id),
    clock: () => now,
    memoryBytes: () => 0,
  });
  for (let i = 0; i < 5; i++) await cache.get('popular');
  now += 100;
  await cache.get('rare');
  now += 100;
  await cache.get('popular');
  await cache.get('other');
  assert.deepEqual(unloaded, ['rare'], 'rare was used more recently than popular, but once');
  await cache.get('third');
  assert.deepEqual(unloaded, ['rare', 'other'], 'a rare model takes the slot of the last rare one');
  assert.deepEqual(cache.held.sort(), ['popular', 'third']);
});
