import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { isPlainObject } from '../../src/utils/object.util';

test('plain objects of this realm and of another one (vm context, Jest) are plain', () => {
  for (const value of [{}, { a: 1 }, Object.create(null), JSON.parse('{"a":1}'), runInNewContext('({ a: 1 })')])
    assert.equal(isPlainObject(value), true);
  assert.equal(isPlainObject(runInNewContext('Object.create(null)')), true);
});

test('arrays, class instances, maps and boxed values are not, in any realm', () => {
  class Config {}
  for (const value of [
    [],
    new Config(),
    new Map(),
    new Date(0),
    Object.create({}),
    null,
    'x',
    runInNewContext('[]'),
    runInNewContext('new Map()'),
    runInNewContext('new (class Config {})()'),
  ])
    assert.equal(isPlainObject(value), false, String(value));
});
