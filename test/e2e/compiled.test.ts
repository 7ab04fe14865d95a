import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

test('compiled package: a JavaScript host serves a JS backend and a .ts backend (replica registers a TS loader itself)', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '../fixtures/js-host/main.js')], {
    timeout: 60_000,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.equal(result.error, undefined);
  assert.deepEqual(result.execArgv, []);
  assert.deepEqual(result.plain, { plain: true, body: { a: 1 }, ts: false });
  assert.equal(result.echo.greeting, 'hello');
  assert.equal(result.echo.path, '/echo');
});

test('ESM host: an ES-module app imports the package by name and serves an ES-module backend', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '../fixtures/esm-host/main.mjs')], {
    timeout: 60_000,
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  assert.deepEqual(result.first, { greeting: 'hej', name: 'ada', esm: true });
  assert.deepEqual(result.second, { greeting: 'hallo', name: 'ada', esm: true });
});
