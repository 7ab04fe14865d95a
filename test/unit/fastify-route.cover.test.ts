import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastifyRouteCovers } from '../../src/http/fastify-route.cover';

const strict = { caseSensitive: true, ignoreTrailingSlash: false };
const loose = { caseSensitive: false, ignoreTrailingSlash: true };

test('static segments match as find-my-way compares them', () => {
  assert.equal(fastifyRouteCovers('/api/users', '/api/users', strict), true);
  assert.equal(fastifyRouteCovers('/api/users', '/api/Users', strict), false);
  assert.equal(fastifyRouteCovers('/api/users', '/api/Users', loose), true);
  assert.equal(fastifyRouteCovers('/api/users', '/api/users/', strict), false);
  assert.equal(fastifyRouteCovers('/api/users', '/api/users/', loose), true);
  assert.equal(fastifyRouteCovers('/api/users', '/api/users/7', strict), false);
});

test('a parameter takes one non-empty segment, a regular-expression parameter too', () => {
  assert.equal(fastifyRouteCovers('/users/:id', '/users/special', strict), true);
  assert.equal(fastifyRouteCovers('/users/:id', '/users/:model', strict), true);
  assert.equal(fastifyRouteCovers('/users/:id', '/users/', strict), false);
  assert.equal(fastifyRouteCovers('/users/:id(^\\d+$)', '/users/7', strict), true);
  assert.equal(fastifyRouteCovers('/users/:id/posts', '/users/7', strict), false);
});

test('a trailing wildcard takes the rest of the path', () => {
  assert.equal(fastifyRouteCovers('/files/*', '/files/a/b', strict), true);
  assert.equal(fastifyRouteCovers('/files/*', '/files', strict), false);
  assert.equal(fastifyRouteCovers('*', '/anything/at/all', strict), true);
  assert.equal(fastifyRouteCovers('/files*', '/filesystem', strict), true);
  assert.equal(fastifyRouteCovers('/files*', '/other', strict), false);
});
