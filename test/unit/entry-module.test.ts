import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEntryModule } from '../../src/module/entry-module';

test("the process's entry file is recognised, with or without its extension", () => {
  assert.equal(isEntryModule('/app/src/main.ts', [undefined, '/app/src/main.ts']), true);
  assert.equal(isEntryModule('/app/dist/main.js', ['/app/dist/main.js', '/app/dist/main']), true);
  assert.equal(isEntryModule('/app/dist/main.js', [undefined, '/app/dist/main']), true);
  assert.equal(isEntryModule('/app/src/main.mts', [undefined, '/app/src/main']), true);
});

test('any other file is not the entry', () => {
  assert.equal(isEntryModule('/app/src/sentiment.backend.ts', ['/app/src/main.ts', '/app/src/main.ts']), false);
  assert.equal(isEntryModule('/app/src/main.ts', [undefined, undefined]), false);
  assert.equal(isEntryModule('/app/src/main.backend.ts', [undefined, '/app/src/main']), false);
});
