import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { isPlainObject, isThenable } from '../../src/utils/object.util';

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

test('isThenable: promises and objects with then(); not a Proxy whose get trap throws', () => {
  assert.equal(isThenable(Promise.resolve()), true);
  assert.equal(isThenable({ then: () => undefined }), true);
  for (const value of [undefined, null, 1, {}, { then: 1 }]) assert.equal(isThenable(value), false, String(value));
  const trap = new Proxy({}, { get: () => assert.fail('get trap') });
  assert.equal(isThenable(trap), false);
});
