import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loaderFlags, replicaEnv } from '../../src/replicas/process.transport';

test('a replica process keeps the host loader flags and drops test runner, debugger and watch flags', () => {
  assert.deepEqual(
    loaderFlags([
      '--test',
      '--test-name-pattern',
      'x',
      '-r',
      '@swc-node/register',
      '--import=tsx',
      '--inspect=9229',
      '--enable-source-maps',
      '--watch',
      '--conditions',
      'dev',
    ]),
    ['-r', '@swc-node/register', '--import=tsx', '--enable-source-maps', '--conditions', 'dev'],
  );
});

test('a replica process gets only the variables it needs plus the backend env', () => {
  process.env.SOME_SECRET_TOKEN = 'x';
  const env = replicaEnv({ OMP_NUM_THREADS: '2' });
  delete process.env.SOME_SECRET_TOKEN;
  assert.equal(env.SOME_SECRET_TOKEN, undefined);
  assert.equal(env.OMP_NUM_THREADS, '2');
  assert.equal(env.PATH, process.env.PATH);
});
