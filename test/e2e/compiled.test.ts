import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import ts from 'typescript';

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

test("compiled backend with source maps: a constructor's throw is logged at its TypeScript line (no loader in the app)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-smap-'));
  try {
    const source = [
      `import { Backend, Endpoint } from ${JSON.stringify(join(__dirname, '../../dist'))};`,
      '',
      '@Backend()',
      'export class Broken {',
      '  constructor() {',
      '    const weights: { size: number } | undefined = undefined;',
      "    if (!weights) throw new Error('weights file missing');",
      '  }',
      "  @Endpoint({ route: '/broken' })",
      '  call() {',
      '    return 1;',
      '  }',
      '}',
    ].join('\n');
    const { outputText, sourceMapText } = ts.transpileModule(source, {
      fileName: 'broken.backend.ts',
      compilerOptions: {
        experimentalDecorators: true,
        sourceMap: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
      },
    });
    writeFileSync(join(dir, 'broken.backend.js'), outputText);
    writeFileSync(join(dir, 'broken.backend.js.map'), sourceMapText!);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(__dirname, '../fixtures/js-host/failing-start.js'), join(dir, 'broken.backend.js')],
      { timeout: 60_000 },
    );
    assert.match(stdout, /Replica Broken#1 failed to start: weights file missing\nError: weights file missing\n/);
    assert.ok(stdout.includes(`at new Broken (${join(dir, 'broken.backend.ts')}:7:`), stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
