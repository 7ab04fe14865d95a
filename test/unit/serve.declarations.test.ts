import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backend } from '../../src/decorators/backend.decorator';
import { readDeclarations } from '../../src/module/serve.declarations';
import { optionMessages } from '../../src/serve.messages';

@Backend({ name: 'dup' })
export class FirstDup {}

@Backend({ name: 'dup' })
export class SecondDup {}

test('two classes declaring one backend name are both named, with the advice to rename one', () => {
  assert.throws(
    () => readDeclarations([FirstDup, SecondDup]),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CONFLICT');
      assert.match(
        err.message,
        /^ServeModule\.forRoot\(\): class FirstDup and class SecondDup are both backend 'dup': give one of them another name, @Backend\(\{ name: '…' \}\)/,
      );
      assert.doesNotMatch(err.message, /delete it/);
      return true;
    },
  );
});

test('two classes of one class name are told apart by their files', () => {
  const message = optionMessages.duplicateDeclaredBackend(
    'dup',
    { className: 'Model', modulePath: '/app/a.ts' },
    { className: 'Model', modulePath: '/app/b.ts' },
  );
  assert.match(message, /class Model \(\/app\/a\.ts\) and class Model \(\/app\/b\.ts\) are both backend 'dup'/);
});
