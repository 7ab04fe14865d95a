import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrafficPolicy, hashToUnit } from '../../src/router';

test('weights are normalised and chosen by cumulative share', () => {
  const policy = new TrafficPolicy({ a: 1, b: 3 });
  assert.equal(policy.choose(0.0), 'a');
  assert.equal(policy.choose(0.2499), 'a');
  assert.equal(policy.choose(0.25), 'b');
  assert.equal(policy.choose(0.9999), 'b');
});

test('zero weights are never chosen; an all-zero policy is not routable', () => {
  const policy = new TrafficPolicy({ a: 0, b: 1 });
  for (let i = 0; i < 100; i++) assert.equal(policy.choose(i / 100), 'b');
  assert.equal(new TrafficPolicy({ a: 0 }).routable, false);
});

test('a shard key always maps to the same backend, and keys spread by weight', () => {
  const policy = new TrafficPolicy({ a: 0.5, b: 0.5 });
  const counts = { a: 0, b: 0 } as Record<string, number>;
  for (let i = 0; i < 2000; i++) {
    const key = `user-${i}`;
    const first = policy.choose(Math.random(), key);
    assert.equal(policy.choose(Math.random(), key), first);
    counts[first]++;
  }
  assert.ok(counts.a > 850 && counts.b > 850, JSON.stringify(counts));
});

test('hashToUnit is stable and in [0, 1)', () => {
  assert.equal(hashToUnit('abc'), hashToUnit('abc'));
  for (const key of ['', 'a', 'x'.repeat(300), 'é漢字']) {
    const h = hashToUnit(key);
    assert.ok(h >= 0 && h < 1);
  }
});

test('shadows are drawn independently by proportion', () => {
  const policy = new TrafficPolicy({ a: 1 }, { s1: 0.5, s2: 0 });
  let draws = 0;
  assert.deepEqual(
    policy.chooseShadows(() => (draws++, 0.4)),
    ['s1'],
  );
  assert.deepEqual(
    policy.chooseShadows(() => 0.6),
    [],
  );
  assert.equal(draws, 2);
});
