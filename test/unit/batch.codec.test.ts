import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialize } from 'node:v8';
import { decodeFromReplica, decodeToReplica, encodeFromReplica, encodeToReplica } from '../../src/replicas/batch.codec';
import type { FromReplica, ToReplica } from '../../src/replicas/replica.protocol';
import type { ServeRequest } from '../../src/interfaces/serve-request.interface';

const request = (i: number, extra: Partial<ServeRequest> = {}): ServeRequest => ({
  method: 'POST',
  path: '/hello',
  params: {},
  query: {},
  headers: {},
  body: { i },
  id: `id-${i}`,
  ...extra,
});

/** What crosses a thread: the structured clone of the encoded batch. */
const cross = <T>(wire: T): T => structuredClone(wire);

test('calls and every other message to a replica come back as they were sent, in order', () => {
  const batch: ToReplica[] = [
    { t: 'call', id: 1, m: 'hello', r: request(1) },
    { t: 'cancel', id: 9 },
    {
      t: 'call',
      id: 2,
      m: 'score',
      r: request(2, {
        params: { model: 'a' },
        query: { q: ['x', 'y'] },
        headers: { 'x-a': '1' },
        body: new Uint8Array([1, 2]),
      }),
    },
    { t: 'call', id: 3, m: 'hello', r: request(3, { body: undefined }) },
    { t: 'credit', id: 4, n: 128 },
    { t: 'stop' },
  ];
  assert.deepEqual(decodeToReplica(cross(encodeToReplica(batch))), batch);
});

test('empty params, query and headers decode to fresh objects a handler may change', () => {
  const [a, b] = decodeToReplica(
    cross(encodeToReplica([1, 2].map((id) => ({ t: 'call', id, m: 'x', r: request(id) }) as ToReplica))),
  ) as Extract<ToReplica, { t: 'call' }>[];
  a.r.headers.added = 'yes';
  assert.deepEqual(b.r.headers, {});
  assert.notEqual(a.r.params, b.r.params);
});

test('results with a plain value and every other message from a replica come back as they were sent', () => {
  const batch: FromReplica[] = [
    { t: 'result', id: 1, o: { ok: true, v: { v: { hello: 'world' } } } },
    { t: 'result', id: 2, o: { ok: true, v: { v: undefined } } },
    { t: 'result', id: 3, o: { ok: true, v: { r: { status: 201, headers: { a: 'b' }, body: 'x' } } } },
    { t: 'result', id: 4, o: { ok: false, e: { message: 'boom', name: 'Error' } } },
    { t: 'chunk', id: 5, c: 'part' },
    { t: 'ready' },
    { t: 'result', id: 6, o: { ok: true, v: { v: 2 } } },
  ];
  assert.deepEqual(decodeFromReplica(cross(encodeFromReplica(batch))), batch);
});

test("an array of plain messages (e.g. a process replica's init) decodes to itself", () => {
  const init = [{ t: 'stop' }] as ToReplica[];
  assert.deepEqual(decodeToReplica(init), init);
  const ready = [{ t: 'ready' }] as FromReplica[];
  assert.deepEqual(decodeFromReplica(ready), ready);
});

test('a call that cannot be cloned still fails to clone once encoded', () => {
  const wire = encodeToReplica([{ t: 'call', id: 1, m: 'x', r: request(1, { body: () => 1 }) }]);
  assert.throws(() => structuredClone(wire), { name: 'DataCloneError' });
});

test('the encoded batch of a turn is smaller on the wire than the messages', () => {
  const calls: ToReplica[] = Array.from({ length: 64 }, (_, i) => ({ t: 'call', id: i, m: 'hello', r: request(i) }));
  assert.ok(serialize(encodeToReplica(calls)).length < 0.7 * serialize(calls).length);
  const results: FromReplica[] = Array.from({ length: 64 }, (_, i) => ({
    t: 'result',
    id: i,
    o: { ok: true, v: { v: { n: i } } },
  }));
  assert.ok(serialize(encodeFromReplica(results)).length < 0.7 * serialize(results).length);
});
