import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServeRegistry } from '../../src/module/serve.registry';

test('routes are found exactly, or case-folded when the host folds case', () => {
  const registry = new ServeRegistry();
  registry.putEndpoint('area', '/private/area/', ['GET'], { b: 1 }, {});
  assert.equal(registry.endpointForPath('/private/area')?.name, 'area', 'a declared trailing slash is dropped');
  assert.equal(registry.endpointForPath('/PRIVATE/Area'), undefined);
  assert.equal(registry.endpointForPath('/PRIVATE/Area', false)?.name, 'area');
  assert.equal(registry.endpointForPath('/%70rivate/area', false), undefined);
});

test('a GET endpoint accepts HEAD and lists it in Allow; others do not', () => {
  const registry = new ServeRegistry();
  const get = registry.putEndpoint('a', '/a', ['GET', 'POST'], { b: 1 }, {});
  assert.deepEqual([...get.accepts], ['GET', 'HEAD', 'POST']);
  assert.equal(get.allow, 'GET, HEAD, POST');
  assert.deepEqual(get.methods, ['GET', 'POST'], 'the declared methods stay as declared');
  const post = registry.putEndpoint('p', '/p', ['POST'], { b: 1 }, {});
  assert.equal(post.accepts.has('HEAD'), false);
});

test('deleting or moving a route keeps the case-folded table right', () => {
  const registry = new ServeRegistry();
  registry.putEndpoint('lower', '/echo', ['GET'], { b: 1 }, {});
  registry.putEndpoint('upper', '/Echo', ['GET'], { b: 1 }, {});
  assert.equal(
    registry.endpointForPath('/ECHO', false)?.name,
    'lower',
    'the first route registered wins, as in Express',
  );
  registry.deleteEndpoint('lower');
  assert.equal(registry.endpointForPath('/echo', false)?.name, 'upper');
  registry.putEndpoint('upper', '/other', ['GET'], { b: 1 }, {});
  assert.equal(registry.endpointForPath('/echo', false), undefined);
  assert.equal(registry.endpointForPath('/OTHER', false)?.name, 'upper');
});
