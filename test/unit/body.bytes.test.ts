import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesOf } from '../../src/http/body.bytes';

test('an ArrayBuffer, a typed array or a DataView is its memory as bytes, not copied', () => {
  const u8 = new Uint8Array([1, 2, 3]);
  assert.equal(bytesOf(u8), u8);
  const buffer = Buffer.from('ab');
  assert.equal(bytesOf(buffer), buffer);
  assert.deepEqual([...bytesOf(new Uint8Array([1, 2, 3, 4]).buffer)!], [1, 2, 3, 4]);
  assert.deepEqual([...bytesOf(new Uint16Array([0x0201]))!], [1, 2]);
  const view = new DataView(new Uint8Array([5, 6, 7, 8]).buffer, 1, 2);
  assert.deepEqual([...bytesOf(view)!], [6, 7]);
  const backing = new Uint8Array(4);
  bytesOf(new Float32Array(backing.buffer))![0] = 9;
  assert.equal(backing[0], 9);
});

test('anything else is not bytes', () => {
  for (const value of [undefined, null, 'text', 1, [1, 2], { 0: 1 }, { byteLength: 2 }])
    assert.equal(bytesOf(value), undefined, String(value));
});
