import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertPlainJson, validateBackendConfig, validateEndpointOptions } from '../../src/module/config.validator';

test('valid configs pass', () => {
  validateBackendConfig('b', {
    numReplicas: 2,
    maxConcurrentQueries: 8,
    maxBatchSize: 4,
    batchWaitTimeoutMs: 0,
    maxQueuedRequests: 0,
    requestTimeoutMs: 10,
    userConfig: { a: [1, 'x', null, true] },
  });
  validateBackendConfig('b', { name: 'x', replica: 'process', env: { A: '1' }, initArgs: [1, { b: 2 }] }, true);
  validateEndpointOptions('e', { route: '/a/b', methods: ['GET', 'POST'], name: 'n', weight: 0 });
});

test('each bad value is named with what was expected', () => {
  const cases: [unknown, RegExp][] = [
    [{ numReplicas: 0 }, /'numReplicas' is 0; expected an integer >= 1/],
    [{ maxConcurrentQueries: 'many' }, /'maxConcurrentQueries' is 'many'/],
    [{ requestTimeoutMs: 0 }, /'requestTimeoutMs' is 0; expected a finite number > 0/],
    [{ batchWaitTimeoutMs: -1 }, /batchWaitTimeoutMs/],
    [{ maxQueuedRequests: Infinity }, /maxQueuedRequests/],
    [{ requestTimeoutMs: 1e10 }, /'requestTimeoutMs' is 10000000000; expected a duration of at most 2147483647 ms/],
    [{ replica: 'thread' }, /unknown option 'replica'/],
    [null, /'config' is null/],
  ];
  for (const [config, message] of cases) assert.throws(() => validateBackendConfig('Backend X', config), message);
  assert.throws(() => validateBackendConfig('B', { env: { A: 1 } }, true), /'env'/);
  assert.throws(() => validateBackendConfig('B', { initArgs: [() => 1] }, true), /'initArgs'/);
  assert.throws(() => validateEndpointOptions('E', { route: '/a b' }), /'route'/);
  assert.throws(() => validateEndpointOptions('E', { route: '/a', methods: [] }), /'methods'/);
});

test('userConfig must be plain JSON', () => {
  assertPlainJson('b', { a: { b: [1, 2, { c: 'd' }] } });
  assert.throws(() => assertPlainJson('b', { f() {} }), /userConfig\.f is a function/);
  assert.throws(() => assertPlainJson('b', { d: new Date() }), /userConfig\.d is a Date/);
  assert.throws(() => assertPlainJson('b', { n: NaN }), /NaN/);
  assert.throws(() => assertPlainJson('b', { u: undefined }), /undefined/);
  assert.throws(() => assertPlainJson('b', { big: 1n }), /bigint/);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.throws(() => assertPlainJson('b', cyclic), /cycle/);
  assert.throws(() => assertPlainJson('b', JSON.parse('{"a":{"__proto__":{"polluted":true}}}')), /__proto__/);
});
