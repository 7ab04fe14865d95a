import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { resultProblem } from '../../src/replicas/result.check';

test('what JSON, text or bytes carry as returned passes', () => {
  for (const value of [
    undefined,
    null,
    'text',
    0,
    true,
    { a: [1, 'x', null, { b: false }] },
    [],
    new Uint8Array([1, 2]),
    Buffer.from('x'),
    new ArrayBuffer(2),
    { at: new Date(0) },
    runInNewContext('({ a: [1] })'),
  ])
    assert.equal(resultProblem(value), undefined, String(value));
});

test('what would be lost or fail names where it is and what to return instead', () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  const cases: [unknown, RegExp][] = [
    [new Map([['a', 1]]), /a Map at result, which JSON sends as \{\}: return Object.fromEntries\(map\)/],
    [{ tags: new Set(['a']) }, /a Set at result.tags.*\[\.\.\.set\]/],
    [{ n: 10n }, /a BigInt at result.n.*toString\(\)/],
    [[1, () => 1], /a function at result\[1\]/],
    [{ s: Symbol('x') }, /a symbol at result.s/],
    [cycle, /a cycle at result.self/],
    [runInNewContext('new Map()'), /a Map at result/],
  ];
  for (const [value, expected] of cases) assert.match(resultProblem(value) ?? '', expected);
});

test('a shared (not cyclic) object is fine', () => {
  const shared = { a: 1 };
  assert.equal(resultProblem({ x: shared, y: shared }), undefined);
});
