import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_REQUEST_ID_LENGTH, resolveRequestId } from '../../src/http/request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a usable id from the caller is kept', () => {
  for (const id of ['abc', 'req-42', 'trace:0af7651916cd43dd8448eb211c80319c', 'a/b+c=d@e.f_g', 'x'.repeat(128)]) {
    assert.deepEqual(resolveRequestId(id), { id, source: 'given' });
  }
  assert.deepEqual(resolveRequestId(['one']), { id: 'one', source: 'given' });
});

test('no id: a new UUID, different each time', () => {
  const a = resolveRequestId(undefined);
  const b = resolveRequestId('');
  assert.equal(a.source, 'generated');
  assert.equal(b.source, 'generated');
  assert.match(a.id, UUID);
  assert.notEqual(a.id, b.id);
});

test('an unusable id is replaced: too long, unsafe characters, repeated header', () => {
  const bad = [
    'x'.repeat(MAX_REQUEST_ID_LENGTH + 1),
    'has space',
    'quote"',
    '<script>',
    'semi;colon',
    'new\nline',
    'tab\t',
    'é',
    'a, b',
    'back\\slash',
  ];
  for (const header of bad) {
    const r = resolveRequestId(header, () => 'fresh');
    assert.deepEqual(r, { id: 'fresh', source: 'replaced' }, JSON.stringify(header));
  }
  assert.deepEqual(
    resolveRequestId(['a', 'b'], () => 'fresh'),
    { id: 'fresh', source: 'replaced' },
  );
});
