import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveModelId } from '../../src/module/model-id.resolver';
import type { ServeRequest } from '../../src';

const request = (params: Record<string, string> = {}, headers: Record<string, string | string[]> = {}) =>
  ({ method: 'POST', path: '/', params, query: {}, headers, body: undefined, id: 'r1' }) as ServeRequest;

test('the id comes from the handle option, the route parameter or the header', () => {
  assert.equal(resolveModelId('b', request(), 'opt'), 'opt');
  assert.equal(resolveModelId('b', request({ model: 'param' })), 'param');
  assert.equal(resolveModelId('b', request({}, { 'x-serve-model-id': 'org/model-1.2' })), 'org/model-1.2');
  assert.equal(resolveModelId('b', request({ model: 'same' }, { 'x-serve-model-id': 'same' })), 'same');
});

test('none, two different ones, or an unusable id: a 400 naming the backend', () => {
  const fails = (req: ServeRequest, option: string | undefined, pattern: RegExp) =>
    assert.throws(
      () => resolveModelId('zoo', req, option),
      (err: { status: number; message: string }) => err.status === 400 && pattern.test(err.message),
    );
  fails(request(), undefined, /Backend 'zoo' serves many models .*X-Serve-Model-Id.*'model'.*modelId/);
  fails(request({ model: 'a' }, { 'x-serve-model-id': 'b' }), undefined, /'a' and 'b'/);
  for (const bad of ['../x', 'a/../b', '.hidden', '/abs', 'sp ace', 'é', 'x'.repeat(129)])
    fails(request(), bad, /Backend 'zoo': model id .* is not usable/);
});

test('a handle modelId that is not a string: a 400 saying it must be a string, not a misread id', () => {
  for (const bad of [123, ['a'], { id: 'a' }])
    assert.throws(
      () => resolveModelId('zoo', request(), bad as unknown as string),
      (err: { status: number; message: string }) =>
        err.status === 400 &&
        /Backend 'zoo': the handle option modelId is an? \w+; pass the model id as a string/.test(err.message),
    );
});
