import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { bytesOf } from '../../src/http/body.bytes';
import { ServeResponse } from '../../src/http/serve-response';
import { decodeFromReplica, encodeFromReplica } from '../../src/replicas/batch.codec';
import { postEach } from '../../src/replicas/message.channel';
import type { FromReplica, WireOutcome } from '../../src/replicas/replica.protocol';
import { decodeValue, encodeError, encodeResult, notSendableError } from '../../src/replicas/result.codec';

const BACKEND = 'Odd';

/**
 * What the app gets for each value, sent as a replica sends results: encoded, coalesced with
 * fine results in one batch, cloned as `postMessage` and IPC clone it, one by one when the batch fails.
 */
function throughReplica(values: unknown[]): WireOutcome[] {
  const batch: FromReplica[] = values.map((value, id) => ({
    t: 'result',
    id,
    o: encodeResult(value, BACKEND, 'call'),
  }));
  const got: WireOutcome[] = [];
  postEach(
    batch,
    (part) => {
      for (const m of decodeFromReplica(deserialize(serialize(encodeFromReplica(part))) as unknown[]))
        if (m.t === 'result') got[m.id] = m.o;
    },
    (m, error) => {
      if (m.t === 'result') got[m.id] = { ok: false, e: notSendableError(BACKEND, 'result', error) };
    },
  );
  return got;
}

/**
 * What the caller sees of `got` is what it would see of `value` over HTTP: its JSON; text and bytes
 * (any buffer or view) as they are; and nothing JSON sends as `{}` though it held more.
 */
function assertSameToCaller(got: unknown, value: unknown, label: string): void {
  const body = ServeResponse.is(value) ? value.body : value;
  const sent = ServeResponse.is(got) ? got.body : got;
  if (typeof body === 'string') return assert.equal(sent, body, label);
  const bytes = bytesOf(body);
  if (bytes) return assert.deepEqual(Buffer.from(bytesOf(sent)!), Buffer.from(bytes), label);
  assert.equal(JSON.stringify(sent), JSON.stringify(body), `${label}: round-trips`);
  assert.equal(emptyInJson(sent), undefined, `${label}: sent as {}`);
}

/** Tags of built-in objects that JSON sends as `{}`. */
const EMPTY_IN_JSON = ['Error', 'RegExp', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Map', 'Set'];

/** The first object in `value` (a sent value: plain data) that JSON sends as `{}` though it held more. */
function emptyInJson(value: unknown, seen = new Set<unknown>()): string | undefined {
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  if (EMPTY_IN_JSON.includes(tag)) return tag;
  if (ArrayBuffer.isView(value)) return undefined;
  for (const item of Object.values(value)) {
    const found = emptyInJson(item, seen);
    if (found) return found;
  }
  return undefined;
}

/** Every value round-trips as the caller would see it, or fails alone with a clear error. */
function assertSentOrRefused(value: unknown, label: string): void {
  const [before, got, after] = throughReplica([{ n: 1 }, value, 'fine']);
  assert.deepEqual(before, { ok: true, v: { v: { n: 1 } } }, `${label}: its neighbour before`);
  assert.deepEqual(after, { ok: true, v: { v: 'fine' } }, `${label}: its neighbour after`);
  if (got.ok) return assertSameToCaller(decodeValue(got.v), value, label);
  assert.equal(got.e.code, 'HANDLER_FAILED', label);
  assert.deepEqual(got.e.body, { backend: BACKEND }, label);
  assert.match(
    got.e.message,
    /^Backend 'Odd'(: method 'call')? returned .*Return JSON values|return JSON values|^Backend 'Odd': method 'call' returned a ServeResponse with .*: (use|give it|remove it)/,
    label,
  );
  assert.doesNotMatch(got.e.message, /\/\w|\n\s+at /, `${label}: no path nor stack in ${got.e.message}`);
}

function nested(levels: number, make: (child: unknown) => unknown = (a) => ({ a })): unknown {
  let node: unknown = 1;
  for (let i = 0; i < levels; i++) node = make(node);
  return node;
}

const thrower = (what: string) => () => {
  throw new Error(`${what} in /srv/app/secret.ts`);
};
const throwingTraps = {
  get: thrower('get'),
  ownKeys: thrower('ownKeys'),
  getOwnPropertyDescriptor: thrower('getOwnPropertyDescriptor'),
  getPrototypeOf: thrower('getPrototypeOf'),
  has: thrower('has'),
};
class Point {
  constructor(
    readonly x = 1,
    readonly y = 2,
  ) {}
  get norm() {
    return Math.hypot(this.x, this.y);
  }
}
class Money {
  constructor(readonly cents = 500) {}
  toJSON() {
    return `${this.cents / 100} EUR`;
  }
}
const cyclic = (): unknown => {
  const a: Record<string, unknown> = { n: 1 };
  a.self = { back: a };
  return a;
};
const sparse = (): unknown[] => {
  const a: unknown[] = [];
  a[100_000] = 1;
  return a;
};

/** Odd values, by name: each made fresh. */
const ODD: Record<string, () => unknown> = {
  'getter that throws': () => ({
    ok: 1,
    get boom() {
      return thrower('getter')();
    },
  }),
  'getter that throws on the second read': () => {
    let reads = 0;
    return {
      get flaky() {
        if (reads++ > 0) throw new Error('second read');
        return 1;
      },
    };
  },
  'Proxy with throwing traps': () => new Proxy({ a: 1 }, throwingTraps),
  'Proxy with throwing traps, nested': () => ({ list: [1, new Proxy([], throwingTraps)] }),
  'Proxy without traps': () => new Proxy({ a: 1 }, {}),
  'revoked Proxy': () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return { r: r.proxy };
  },
  'Proxy as a ServeResponse body': () => new ServeResponse({ body: new Proxy({}, throwingTraps) }),
  '20,000 levels of objects': () => nested(20_000),
  '20,000 levels of arrays': () => nested(20_000, (a) => [a]),
  '1,000 levels': () => nested(999),
  '1,001 levels': () => nested(1_001),
  'huge array': () => Array.from({ length: 1_000_000 }, (_, i) => i),
  'huge array of objects': () => Array.from({ length: 100_000 }, (_, i) => ({ i })),
  'huge sparse array': sparse,
  'huge string': () => 'x'.repeat(20_000_000),
  'typed arrays nested': () => ({
    u8: new Uint8Array([1, 2]),
    f64: new Float64Array([0.5]),
    dv: new DataView(new ArrayBuffer(2)),
  }),
  'BigInt64Array nested': () => ({ ids: new BigInt64Array([1n]) }),
  'BigInt64Array top-level': () => new BigUint64Array([1n]),
  'bytes top-level': () => Buffer.from('bytes'),
  'ArrayBuffer top-level': () => new Uint8Array([1, 2]).buffer,
  'Uint16Array top-level': () => new Uint16Array([1, 2]),
  'DataView top-level': () => new DataView(new Uint8Array([1, 2, 3]).buffer, 1),
  'SharedArrayBuffer top-level': () => new SharedArrayBuffer(2),
  'ArrayBuffer nested': () => ({ data: new ArrayBuffer(2) }),
  'Error top-level': () => new Error('x in /srv/app/secret.ts'),
  'Error with toJSON': () => Object.assign(new Error('x'), { toJSON: () => ({ message: 'x' }) }),
  'ServeResponse with an ArrayBuffer body': () => new ServeResponse({ status: 201, body: new ArrayBuffer(3) }),
  'toJSON that throws (own)': () => ({ toJSON: thrower('toJSON') }),
  'toJSON that throws (class)': () => ({
    price: new (class {
      toJSON = undefined;
      get [Symbol.toStringTag]() {
        return 'Money';
      }
    })(),
    bad: new (class {
      toJSON() {
        return thrower('toJSON')();
      }
    })(),
  }),
  'toJSON getter that throws': () => ({
    get toJSON() {
      return thrower('toJSON getter')();
    },
  }),
  'toJSON returning a BigInt': () => ({ t: { toJSON: () => 1n } }),
  'toJSON returning undefined': () => ({ toJSON: () => undefined }),
  'class with toJSON': () => ({ price: new Money(), at: new Date(0) }),
  'class instance with a prototype getter': () => ({ p: new Point() }),
  'null prototype': () => Object.assign(Object.create(null), { a: 1 }),
  'Error, RegExp, boxed values': () => ({ e: new Error('x'), r: /x/g, n: Object(1), s: Object('s') }),
  URL: () => ({ u: new URL('https://example.com/a') }),
  WeakMap: () => ({ w: new WeakMap() }),
  'Map and Set': () => ({ m: new Map([[1, 2]]), s: new Set([1]) }),
  'spoofed Map tag': () => ({ [Symbol.toStringTag]: 'Map' }),
  symbol: () => ({ s: Symbol('s') }),
  'symbol key': () => ({ [Symbol('k')]: 1, a: 1 }),
  function: () => ({ f() {} }),
  BigInt: () => ({ n: 10n }),
  'top-level BigInt': () => 10n,
  'top-level symbol': () => Symbol('x'),
  'top-level function': () => () => 1,
  cycle: cyclic,
  'shared, not cyclic': () => {
    const shared = { s: 1 };
    return [shared, shared, { shared }];
  },
  'NaN, Infinity, -0, undefined': () => ({ a: [NaN, Infinity, -0, undefined], u: undefined }),
  '__proto__ key': () => JSON.parse('{"__proto__": {"x": 1}, "a": 2}'),
  undefined: () => undefined,
  null: () => null,
  'ServeResponse with a Map body': () => new ServeResponse({ status: 201, body: { m: new Map() } }),
  'ServeResponse with a class body': () => new ServeResponse({ status: 201, headers: { a: 'b' }, body: new Money() }),
  'ServeResponse with a 1xx status': () => new ServeResponse({ status: 101, body: 'x' }),
  'ServeResponse with status 1000': () => new ServeResponse({ status: 1000 }),
  'ServeResponse with a CRLF header': () => new ServeResponse({ headers: { 'x-a': 'b\r\nc: d' } }),
  'ServeResponse with an undefined header': () =>
    new ServeResponse({ headers: { 'x-a': undefined as unknown as string }, body: { m: new Map() } }),
  'ServeResponse with Proxy headers': () =>
    new ServeResponse({ headers: new Proxy({}, throwingTraps) as Record<string, string> }),
};

test('every odd value is sent as the caller would see it, or fails alone with a clear error; encoding never throws', () => {
  for (const [label, make] of Object.entries(ODD)) assertSentOrRefused(make(), label);
});

test('random trees of odd and plain values: sent or refused alone, never a throw', () => {
  let seed = 0x5eed;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const light = Object.entries(ODD).filter(([label]) => !/huge|20,000|1,00/.test(label));
  const plain = [() => 1, () => 'text', () => null, () => true, () => ({ k: 'v' }), () => [1, 2]];
  const tree = (depth: number): unknown => {
    if (depth === 0 || random() < 0.3) {
      const pool = random() < 0.25 ? light.map(([, make]) => make) : plain;
      return pool[Math.floor(random() * pool.length)]();
    }
    const children = Array.from({ length: 1 + Math.floor(random() * 3) }, () => tree(depth - 1));
    return random() < 0.5 ? children : Object.fromEntries(children.map((c, i) => [`k${i}`, c]));
  };
  for (let i = 0; i < 400; i++) assertSentOrRefused(tree(4), `tree ${i}`);
});

test('an error that cannot be read is sent as that, never a throw', () => {
  for (const thrown of [
    new Proxy({}, throwingTraps),
    Object.create(null),
    Symbol('x'),
    {
      get message() {
        return thrower('message')();
      },
    },
    undefined,
  ]) {
    const wire = encodeError(thrown);
    assert.equal(typeof wire.message, 'string');
    assert.doesNotThrow(() => serialize(wire));
  }
});
