import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName } from '../../src/utils/closest-name';

test('a near miss gets the name it most likely meant', () => {
  assert.equal(closestName('method', ['route', 'methods', 'name', 'weight']), 'methods');
  assert.equal(closestName('numReplica', ['numReplicas', 'maxBatchSize']), 'numReplicas');
  assert.equal(closestName('MaxBatchsize', ['numReplicas', 'maxBatchSize']), 'maxBatchSize');
  assert.equal(closestName('userconfig', ['userConfig']), 'userConfig');
});

test('nothing close: no suggestion', () => {
  assert.equal(closestName('zzz', ['route', 'methods']), undefined);
  assert.equal(closestName('threshold', ['numReplicas', 'userConfig']), undefined);
  assert.equal(closestName('x', []), undefined);
});
