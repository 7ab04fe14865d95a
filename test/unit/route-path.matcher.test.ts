import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPRESS_DEFAULT_ROUTING, NARROWEST_ROUTING, RoutePathMatcher } from '../../src/http/route-path.matcher';

test('wildcardPart keeps the raw tail the wildcard matched, below any prefix', () => {
  assert.equal(RoutePathMatcher.wildcardPart('/echo', 1), '/echo');
  assert.equal(RoutePathMatcher.wildcardPart('/api/echo', 1), '/echo');
  assert.equal(RoutePathMatcher.wildcardPart('/api/v1/private/area', 2), '/private/area');
  assert.equal(RoutePathMatcher.wildcardPart('/api/echo/', 2), '/echo/');
  assert.equal(RoutePathMatcher.wildcardPart('/%70rivate2', 1), '/%70rivate2');
  assert.equal(RoutePathMatcher.wildcardPart('/private%2Farea', 1), '/private%2Farea');
  assert.equal(RoutePathMatcher.wildcardPart('//echo', 2), '//echo');
  assert.equal(RoutePathMatcher.wildcardPart('/api', 0), '/');
  assert.equal(RoutePathMatcher.wildcardPart('/a', 5), '/a');
});

test('Express defaults: one trailing slash is trimmed, more are no route; encoded slashes are no route', () => {
  const m = new RoutePathMatcher(EXPRESS_DEFAULT_ROUTING);
  assert.equal(m.routeOf('/private/area'), '/private/area');
  assert.equal(m.routeOf('/private/area/'), '/private/area');
  assert.equal(m.routeOf('/private/area//'), undefined);
  assert.equal(m.routeOf('/'), '/');
  assert.equal(m.routeOf('/private%2Farea'), undefined);
  assert.equal(m.routeOf('/private%2farea/'), undefined);
  assert.equal(m.routeOf('/%70rivate2'), '/%70rivate2', 'kept raw, so it never equals /private2');
  assert.equal(m.routeOf('/PRIVATE2'), '/PRIVATE2', 'case is compared by the registry');
});

test('strict routing: a trailing slash is no route', () => {
  const m = new RoutePathMatcher(NARROWEST_ROUTING);
  assert.equal(m.routeOf('/echo'), '/echo');
  assert.equal(m.routeOf('/echo/'), undefined);
  assert.equal(m.routeOf('/'), '/');
});

test("Fastify's router: the path is decoded as find-my-way decodes it, below the catch-all's prefix", () => {
  const m = new RoutePathMatcher({
    caseSensitive: true,
    strict: true,
    decoded: { ignoreDuplicateSlashes: false, semicolonDelimiter: false },
  });
  assert.equal(m.routeOf('/%70rivate2'), '/private2', 'find-my-way decodes it, so the host middleware sees it too');
  assert.equal(m.routeOf('/api/%70rivate2', 4), '/private2');
  assert.equal(m.routeOf('/private%2Farea'), undefined, 'an encoded slash stays encoded and reaches no endpoint');
  assert.equal(m.routeOf('/%2570rivate2'), '/%2570rivate2', '%25 stays encoded');
  assert.equal(m.routeOf('/echo/'), undefined, 'strict: a trailing slash is no route');
  assert.equal(m.routeOf('//echo'), '//echo');
  assert.equal(m.routeOf('/echo;x=1'), '/echo;x=1');
  assert.equal(m.routeOf('/%zz'), undefined, 'a malformed escape is no route');
  assert.equal(m.routeOf('/api', 4), '/');
});

test('Fastify with ignoreTrailingSlash, ignoreDuplicateSlashes and useSemicolonDelimiter', () => {
  const m = new RoutePathMatcher({
    caseSensitive: false,
    strict: false,
    decoded: { ignoreDuplicateSlashes: true, semicolonDelimiter: true },
  });
  assert.equal(m.routeOf('/echo/'), '/echo');
  assert.equal(m.routeOf('/echo//'), '/echo', 'merged to one slash first, then trimmed');
  assert.equal(m.routeOf('//echo'), '/echo');
  assert.equal(m.routeOf('/echo;x=1'), '/echo');
});
