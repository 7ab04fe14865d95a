import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CharsetDecoder, UnknownCharsetError } from '../../src/http/charset.decoder';

const decoder = new CharsetDecoder();
const bytes = (...b: number[]) => Uint8Array.from(b);

test('UTF-8 when no charset is named; a BOM is dropped; invalid bytes become U+FFFD', () => {
  assert.equal(decoder.decode(Buffer.from('café'), null), 'café');
  assert.equal(decoder.decode(bytes(0xef, 0xbb, 0xbf, 0x61), undefined), 'a');
  assert.equal(decoder.decode(bytes(0x63, 0xff, 0x64), 'UTF-8'), 'c\ufffdd');
});

test('WHATWG labels, case-insensitive and trimmed', () => {
  assert.equal(decoder.decode(Buffer.from('caf\xe9', 'latin1'), 'ISO-8859-1'), 'café');
  assert.equal(decoder.decode(Buffer.from('caf\xe9', 'latin1'), ' latin1 '), 'café');
  assert.equal(decoder.decode(Buffer.from('hé', 'utf16le'), 'utf-16le'), 'hé');
  assert.equal(decoder.decode(bytes(0x93, 0xfa, 0x96, 0x7b), 'Shift_JIS'), '日本');
  assert.equal(decoder.decode(bytes(0xa1), 'iso-8859-2'), 'Ą');
});

test('windows-1252 (and so iso-8859-1) maps 0x80–0x9F as WHATWG says, whatever the Node version does', () => {
  assert.equal(decoder.decode(bytes(0x80, 0x92, 0x9f, 0x81, 0xe9), 'windows-1252'), '€’Ÿ\x81é');
  assert.equal(decoder.decode(bytes(0x93, 0x94), 'iso-8859-1'), '“”');
  assert.equal(decoder.decode(bytes(0x80), 'us-ascii'), '€');
});

test('an unknown charset, or one WHATWG maps to "replacement", throws naming it as written', () => {
  assert.throws(
    () => decoder.decode(bytes(0x61), 'X-Bogus'),
    (e: unknown) => e instanceof UnknownCharsetError && e.charset === 'X-Bogus',
  );
  assert.throws(() => decoder.decode(bytes(0x61), 'iso-2022-kr'), UnknownCharsetError);
  assert.throws(() => decoder.decode(bytes(0x61), ''), UnknownCharsetError);
});
