import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_NESTING } from '../../src/replicas/clone.depth';
import { payloadTooDeep, textBytes } from '../../src/replicas/payload.depth';

function nested(levels: number, make: (child: unknown) => unknown = (a) => ({ a })): unknown {
  let node: unknown = 1;
  for (let i = 0; i < levels; i++) node = make(node);
  return node;
}

test('refuses nesting deeper than MAX_NESTING, objects and arrays alike; plain values never', () => {
  assert.equal(payloadTooDeep(nested(MAX_NESTING)), false);
  assert.equal(payloadTooDeep(nested(MAX_NESTING + 1)), true);
  assert.equal(payloadTooDeep(nested(MAX_NESTING + 1, (a) => [a])), true);
  for (const value of [undefined, null, 'x'.repeat(10_000), 1, new Uint8Array(10_000)])
    assert.equal(payloadTooDeep(value, undefined), false);
});

test('a text of fewer than 2 × limit bytes is not walked: it cannot nest that deep', () => {
  const deepest = '['.repeat(MAX_NESTING + 1) + ']'.repeat(MAX_NESTING + 1);
  assert.ok(deepest.length >= 2 * MAX_NESTING, 'the shortest JSON deeper than the limit is not shorter');
  assert.equal(payloadTooDeep(JSON.parse(deepest), deepest.length), true);
  // told a size below the bound, it trusts it (the caller gives sizes of JSON or form text only)
  assert.equal(payloadTooDeep(nested(MAX_NESTING + 1), 2 * MAX_NESTING - 1), false);
  assert.equal(payloadTooDeep(nested(4), 8, 3), true);
  assert.equal(payloadTooDeep(nested(4), 5, 3), false);
});

test('the text size is Content-Length of an uncompressed JSON or form body, else unknown', () => {
  const json = { 'content-type': 'application/json; charset=utf-8', 'content-length': '12' };
  assert.equal(textBytes(json), 12);
  assert.equal(textBytes({ ...json, 'content-type': 'application/vnd.api+json' }), 12);
  assert.equal(textBytes({ ...json, 'content-type': 'application/x-www-form-urlencoded' }), 12);
  assert.equal(textBytes({ ...json, 'content-encoding': 'identity' }), 12);
  assert.equal(textBytes({ ...json, 'content-encoding': 'gzip' }), undefined);
  assert.equal(textBytes({ ...json, 'content-type': 'application/msgpack' }), undefined);
  assert.equal(textBytes({ 'content-type': 'application/json' }), undefined);
  assert.equal(textBytes({ 'content-length': '12' }), undefined);
  assert.equal(textBytes({ ...json, 'content-length': 'twelve' }), undefined);
});
