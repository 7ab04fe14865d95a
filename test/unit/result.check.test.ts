import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { MAX_NESTING } from '../../src/replicas/clone.depth';
import { checkResult } from '../../src/replicas/result.check';

const problemOf = (value: unknown, root?: string): string => {
  const check = checkResult(value, root);
  assert.ok(typeof check === 'object', `a problem, not ${String(check)}`);
  return check.what;
};

function nested(levels: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let node = root;
  for (let i = 1; i < levels; i++) node = (node.a = {}) as Record<string, unknown>;
  return root;
}

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
    new Uint16Array([1, 2]),
    new DataView(new ArrayBuffer(2)),
    { at: new Date(0), bytes: new Float64Array(2) },
    runInNewContext('({ a: [1] })'),
    nested(MAX_NESTING),
  ])
    assert.equal(checkResult(value), undefined, String(value));
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
    [cycle, /a cycle at result.self,/],
    [{ a: [{ b: cycle }] }, /a cycle at result.a\[0\].b.self,/],
    [runInNewContext('new Map()'), /a Map at result/],
    [{ ids: new BigInt64Array(2) }, /a BigInt64Array at result.ids.*Array.from/],
    [new Error('x'), /^an Error at result, which JSON sends as \{\} .*throw it to fail the request/],
    [{ e: new TypeError('x') }, /^an Error at result.e, /],
    [{ e: runInNewContext('new RangeError()') }, /^an Error at result.e, /],
    [[/x/g], /^a RegExp at result\[0\], which JSON sends as \{\}: return regexp.source/],
    [
      { data: new ArrayBuffer(4) },
      /^an ArrayBuffer at result.data, which JSON sends as \{\}: return new Uint8Array\(buffer\)/,
    ],
    [new SharedArrayBuffer(4), /^a SharedArrayBuffer at result, .*\.slice\(\)/],
    [
      { view: new DataView(new ArrayBuffer(2)) },
      /^a DataView at result.view, which JSON sends as \{\}: return new Uint8Array\(view.buffer/,
    ],
    [nested(MAX_NESTING + 1), /nested deeper than 1000 levels \(at result.a.a.a.a.a.a…\)/],
  ];
  for (const [value, expected] of cases) assert.match(problemOf(value), expected);
  assert.match(problemOf({ c: [new Set()] }, 'chunk'), /a Set at chunk.c\[0\]/);
});

test('a getter, a Proxy trap or a toJSON() that throws is named, with what it threw kept for the log', () => {
  const thrown = new Error('getter exploded');
  const getter = checkResult({
    ok: 1,
    get boom() {
      throw thrown;
    },
  });
  assert.ok(typeof getter === 'object');
  assert.match(getter.what, /reading result.boom threw \(a getter or a Proxy trap\)/);
  assert.equal(getter.cause, thrown);
  const trap = (name: string) =>
    new Proxy({ k: 1 }, { [name]: () => assert.fail(`${name} trap`) }) as Record<string, unknown>;
  for (const name of ['ownKeys', 'get', 'getOwnPropertyDescriptor'])
    assert.match(problemOf({ x: [trap(name)] }), /reading result.x\[0\] threw/, name);
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  assert.match(problemOf(revoked.proxy), /reading result threw/);
  const money = new (class Money {
    toJSON(): never {
      throw new Error('toJSON exploded');
    }
  })();
  assert.match(problemOf({ price: money }), /toJSON\(\) of result.price threw/);
});

test('an object with its own toJSON (not a Date) is sent as JSON would send it, and what toJSON gives is checked', () => {
  const money = new (class Money {
    toJSON() {
      return '5 EUR';
    }
  })();
  assert.equal(checkResult({ price: money, at: new Date(0) }), 'json');
  assert.equal(checkResult({ at: new Date(0) }), undefined);
  const lossy = { toJSON: () => ({ m: new Map() }) };
  assert.match(problemOf({ x: lossy }), /a Map at result.x.m/);
  const self = new (class Self {
    n = 1;
    toJSON() {
      return this;
    }
  })();
  assert.equal(checkResult(self), 'json', 'what toJSON gives is sent without calling its toJSON again');
});

test('an Error or a buffer with toJSON is sent as that gives', () => {
  const error = Object.assign(new Error('x'), { toJSON: () => ({ message: 'x' }) });
  assert.equal(checkResult({ error }), 'json');
});

test('a shared (not cyclic) object is fine', () => {
  const shared = { a: 1 };
  assert.equal(checkResult({ x: shared, y: shared }), undefined);
});
