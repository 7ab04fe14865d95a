import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { codeVersionOf, shortCodeVersion } from '../../src/replicas/code.version';

describe('code version', () => {
  test('is the sha256 of the bytes, the same for a string and its UTF-8 bytes', () => {
    const version = codeVersionOf("export class A { call() { return 'A'; } }");
    assert.match(version, /^sha256:[0-9a-f]{64}$/);
    assert.equal(codeVersionOf(Buffer.from("export class A { call() { return 'A'; } }")), version);
    assert.equal(codeVersionOf(''), 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('one changed character is another version', () => {
    assert.notEqual(codeVersionOf("return 'A'"), codeVersionOf("return 'B'"));
  });

  test('the short form keeps the prefix and 8 hex digits', () => {
    assert.equal(shortCodeVersion(codeVersionOf('')), 'sha256:e3b0c442');
    assert.equal(shortCodeVersion('unknown'), 'unknown');
  });
});
