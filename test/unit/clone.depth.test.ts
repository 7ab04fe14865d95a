import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_NESTING, nestedDeeperThan } from '../../src/replicas/clone.depth';

function nested(levels: number, make: (child: unknown) => unknown = (a) => ({ a })): unknown {
  let node: unknown = 1;
  for (let i = 0; i < levels; i++) node = make(node);
  return node;
}

test('counts nesting as a structured clone does, through objects, arrays, maps and sets', () => {
  assert.equal(nestedDeeperThan(nested(MAX_NESTING)), false);
  assert.equal(nestedDeeperThan(nested(MAX_NESTING + 1)), true);
  assert.equal(nestedDeeperThan(nested(MAX_NESTING + 1, (a) => [a])), true);
  assert.equal(nestedDeeperThan(nested(MAX_NESTING + 1, (a) => new Map([['k', a]]))), true);
  assert.equal(nestedDeeperThan(nested(MAX_NESTING + 1, (a) => new Map([[a, 1]]))), true);
  assert.equal(nestedDeeperThan(nested(MAX_NESTING + 1, (a) => new Set([a]))), true);
  assert.equal(nestedDeeperThan(nested(3), 2), true);
  for (const value of [undefined, null, 'text', 1, new Uint8Array(4), new Date(0)])
    assert.equal(nestedDeeperThan(value), false);
});

test('a cycle or a shared object is a reference after it is first met, not more depth', () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.equal(nestedDeeperThan(cycle), false);
  const shared = nested(10) as object;
  assert.equal(nestedDeeperThan(Array.from({ length: 200 }, () => shared)), false);
});

test('a getter or Proxy trap that throws is left to the clone: never a throw', () => {
  const trap = new Proxy({}, { ownKeys: () => assert.fail('ownKeys') });
  const getter = {
    get boom() {
      return assert.fail('getter');
    },
  };
  assert.equal(nestedDeeperThan({ a: [trap] }), false);
  assert.equal(nestedDeeperThan(getter), false);
});
