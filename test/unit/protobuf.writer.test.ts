import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtoWriter } from '../../sample-app/model-maker/protobuf.writer';

test('ProtoWriter: varints, strings and nested messages as the protobuf wire format has them', () => {
  const bytes = new ProtoWriter()
    .int(1, 150)
    .string(2, 'hé')
    .message(3, (w) => w.int(1, 2 ** 40))
    .finish();
  assert.deepEqual(
    [...bytes],
    [0x08, 0x96, 0x01, 0x12, 0x03, 0x68, 0xc3, 0xa9, 0x1a, 0x07, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20],
  );
  assert.throws(() => new ProtoWriter().int(1, -1), /varint out of range/);
});
