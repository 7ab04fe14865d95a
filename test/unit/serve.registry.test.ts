import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpAdapterHost } from '@nestjs/core';
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

test('routes with parameters: static first, then the most static segments first; removed and moved ones stop matching', () => {
  const registry = new ServeRegistry();
  registry.putEndpoint('any', '/models/:model/predict', ['GET'], { b: 1 }, {});
  registry.putEndpoint('special', '/models/special/predict', ['GET'], { b: 1 }, {});
  registry.putEndpoint('action', '/models/special/:action', ['GET'], { b: 1 }, {});
  assert.deepEqual(registry.match('/models/special/predict')?.endpoint.name, 'special');
  assert.deepEqual(registry.match('/models/special/train')?.params, { action: 'train' });
  assert.deepEqual(registry.match('/models/x/predict')?.params, { model: 'x' });
  assert.deepEqual(registry.match('/MODELS/x/predict', false)?.params, { model: 'x' });
  assert.equal(registry.match('/MODELS/x/predict', true), undefined);
  registry.deleteEndpoint('action');
  assert.equal(registry.match('/models/special/train'), undefined);
  registry.putEndpoint('any', '/v2/:model', ['GET'], { b: 1 }, {});
  assert.equal(registry.match('/models/x/predict'), undefined, 'the old route of a moved endpoint is gone');
  assert.deepEqual(registry.match('/v2/x')?.params, { model: 'x' });
});

test('an ambiguous route is refused naming both endpoints and changes nothing; the same endpoint may keep its route', () => {
  const registry = new ServeRegistry();
  registry.putEndpoint('a', '/models/:a/predict', ['GET'], { b: 1 }, {});
  assert.throws(
    () => registry.putEndpoint('b', '/models/:b/predict', ['GET'], { b: 1 }, {}),
    /'\/models\/:b\/predict' of endpoint 'b'.*'\/models\/:a\/predict' of endpoint 'a'/,
  );
  assert.equal(registry.endpoints.has('b'), false);
  assert.equal(registry.match('/models/x/predict')?.endpoint.name, 'a');
  registry.putEndpoint('a', '/models/:a/predict', ['GET', 'POST'], { b: 1 }, {});
  assert.deepEqual(registry.match('/models/x/predict')?.endpoint.methods, ['GET', 'POST']);
});

/** A registry on a host whose router compares routes as Express's does by default, or with 'case sensitive routing'. */
function onExpress(caseSensitive: boolean): ServeRegistry {
  const router = { caseSensitive, strict: false };
  const httpAdapter = { getType: () => 'express', getInstance: () => ({ router }) };
  return new ServeRegistry({ httpAdapter } as unknown as HttpAdapterHost);
}

test('a route differing only in case is taken when the host ignores case, and free when it does not', () => {
  const folding = onExpress(false);
  folding.putEndpoint('m6', '/Foo', ['GET'], { p: 1 }, {});
  assert.equal(folding.routeOwner('/foo/')?.name, 'm6');
  assert.throws(
    () => folding.putEndpoint('m7', '/foo', ['GET'], { p2: 1 }, {}),
    /Route '\/foo' of endpoint 'm7' differs from route '\/Foo' of endpoint 'm6' only in case/,
  );
  assert.equal(folding.endpoints.has('m7'), false);
  assert.equal(folding.match('/foo', false)?.endpoint.name, 'm6');
  folding.putEndpoint('m6', '/Foo', ['GET', 'POST'], { p: 1 }, {});
  assert.deepEqual(folding.endpoint('m6').methods, ['GET', 'POST'], 'an endpoint may keep its own route');
  folding.putEndpoint('a', '/models/:a', ['GET'], { p: 1 }, {});
  assert.throws(() => folding.putEndpoint('b', '/Models/:b', ['GET'], { p: 1 }, {}), /matches exactly the paths/);

  const telling = onExpress(true);
  telling.putEndpoint('m6', '/Foo', ['GET'], { p: 1 }, {});
  assert.equal(telling.routeOwner('/foo'), undefined);
  telling.putEndpoint('m7', '/foo', ['GET'], { p2: 1 }, {});
  telling.putEndpoint('b', '/Models/:b', ['GET'], { p: 1 }, {});
  telling.putEndpoint('a', '/models/:a', ['GET'], { p: 1 }, {});
  assert.equal(telling.match('/foo')?.endpoint.name, 'm7');
});

test("another endpoint's route is refused whatever the host, naming that endpoint", () => {
  const registry = new ServeRegistry();
  registry.putEndpoint('a', '/a', ['GET'], { p: 1 }, {});
  assert.throws(
    () => registry.putEndpoint('b', '/a/', ['GET'], { p: 1 }, {}),
    /Route '\/a\/' already belongs to endpoint 'a'/,
  );
  assert.equal(registry.match('/a')?.endpoint.name, 'a');
});
