import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoutePattern } from '../../src/http/route.pattern';

const parts = (path: string) => path.split('/').slice(1);

test('matches whole segments, decodes parameters, refuses empty ones and bad escapes', () => {
  const p = new RoutePattern('/models/:model/predict');
  assert.deepEqual(p.match(parts('/models/resnet/predict'), true), { model: 'resnet' });
  assert.deepEqual(p.match(parts('/models/a%20b/predict'), true), { model: 'a b' });
  assert.equal(p.match(parts('/models//predict'), true), undefined);
  assert.equal(p.match(parts('/models/%zz/predict'), true), undefined);
  assert.equal(p.match(parts('/models/x/predict/more'), true), undefined);
  assert.equal(p.match(parts('/Models/x/predict'), true), undefined);
  assert.deepEqual(p.match(parts('/Models/X/predict'), false), { model: 'X' }, 'a parameter keeps its case');
});

test('only a whole :name segment is a parameter', () => {
  assert.equal(RoutePattern.isParameterised('/models/:model/predict'), true);
  assert.equal(RoutePattern.isParameterised('/models/a:b'), false);
  assert.equal(RoutePattern.isParameterised('/models'), false);
});

test('shape: routes that match the same paths share it', () => {
  assert.equal(new RoutePattern('/m/:a/p').shape, new RoutePattern('/m/:b/p').shape);
  assert.notEqual(new RoutePattern('/m/:a/p').shape, new RoutePattern('/m/x/p').shape);
});

test('precedence: the first static segment where they differ wins', () => {
  const param = new RoutePattern('/models/:model/predict');
  const staticFirst = new RoutePattern('/models/special/:action');
  const paramFirst = new RoutePattern('/:any/special/predict');
  assert.ok(RoutePattern.precedence(staticFirst, param) < 0);
  assert.ok(RoutePattern.precedence(param, paramFirst) < 0);
  assert.equal(RoutePattern.precedence(param, new RoutePattern('/models/:m/predict')), 0);
});
