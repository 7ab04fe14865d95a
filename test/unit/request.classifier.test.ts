import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyRequest } from '../../src/backend/request.classifier';
import { ServeError } from '../../src/serve.errors';
import { ServeStream } from '../../src/replicas/serve.stream';

const fail = (error: ServeError) => ({ ok: false as const, error });

test('a value is 200 ok; a returned ServeResponse carries its status, 5xx counting as an error', () => {
  assert.deepEqual(classifyRequest('succeeded', { ok: true, value: 1 }, { ok: true, v: { v: 1 } }), {
    code: 200,
    outcome: 'ok',
  });
  const r = (status: number) => ({ ok: true as const, v: { r: { status, headers: {}, body: null } } });
  assert.deepEqual(classifyRequest('succeeded', { ok: true, value: null }, r(201)), { code: 201, outcome: 'ok' });
  assert.deepEqual(classifyRequest('succeeded', { ok: true, value: null }, r(503)), { code: 503, outcome: 'error' });
});

test("a handler's 4xx is ok, its 500 an error; refusals, timeouts and lost replicas by kind", () => {
  const http = new ServeError('HANDLER_HTTP_ERROR', 'teapot', { status: 418 });
  assert.deepEqual(classifyRequest('failed', fail(http)), { code: 418, outcome: 'ok' });
  assert.deepEqual(classifyRequest('failed', fail(new ServeError('HANDLER_FAILED', 'x'))), {
    code: 500,
    outcome: 'error',
  });
  assert.deepEqual(classifyRequest('rejected', fail(new ServeError('OVERLOADED', 'x'))), {
    code: 503,
    outcome: 'overloaded',
  });
  assert.deepEqual(classifyRequest('rejected', fail(new ServeError('SHUT_DOWN', 'x'))), {
    code: 503,
    outcome: 'overloaded',
  });
  assert.deepEqual(classifyRequest('timedOut', fail(new ServeError('TIMEOUT', 'x'))), {
    code: 504,
    outcome: 'timeout',
  });
  assert.deepEqual(classifyRequest('replicaLost', fail(new ServeError('REPLICA_UNAVAILABLE', 'x'))), {
    code: 503,
    outcome: 'replica-died',
  });
  assert.deepEqual(classifyRequest('failed', fail(new ServeError('BAD_REQUEST', 'x'))), { code: 400, outcome: 'ok' });
});

test('a cancelled request is 499 cancelled, also a stream whose head had been answered', () => {
  const stream = new ServeStream(201, {}, [][Symbol.iterator]() as never);
  assert.deepEqual(classifyRequest('cancelled', { ok: true, value: stream }), { code: 499, outcome: 'cancelled' });
  assert.deepEqual(classifyRequest('succeeded', { ok: true, value: stream }), { code: 201, outcome: 'ok' });
  assert.deepEqual(classifyRequest('cancelled', fail(new ServeError('CANCELLED', 'x'))), {
    code: 499,
    outcome: 'cancelled',
  });
});
