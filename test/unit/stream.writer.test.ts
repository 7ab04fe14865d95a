import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { acceptsEventStream, frame } from '../../src/http/stream.writer';

describe('stream framing', () => {
  test('raw strings and bytes, objects as NDJSON lines', () => {
    assert.equal(frame('tok', 'chunks'), 'tok');
    const bytes = new Uint8Array([1, 2]);
    assert.equal(frame(bytes, 'chunks'), bytes);
    assert.equal(frame({ a: 1 }, 'chunks'), '{"a":1}\n');
    assert.equal(frame(3, 'chunks'), '3\n');
  });

  test('SSE: id/event fields from { event, data, id }, one data line per line, JSON for objects', () => {
    assert.equal(frame('hi', 'sse'), 'data: hi\n\n');
    assert.equal(frame('a\nb', 'sse'), 'data: a\ndata: b\n\n');
    assert.equal(frame({ event: 'tick', id: 7, data: { n: 1 } }, 'sse'), 'id: 7\nevent: tick\ndata: {"n":1}\n\n');
    assert.equal(frame({ event: 'a\nb', data: 'x' }, 'sse'), 'event: a b\ndata: x\n\n');
    assert.equal(frame({ data: 1, other: 2 }, 'sse'), 'data: {"data":1,"other":2}\n\n', 'other keys: a plain object');
  });

  test('Accept: text/event-stream, also among others', () => {
    assert.equal(acceptsEventStream('text/event-stream'), true);
    assert.equal(acceptsEventStream('application/json, text/event-stream;q=0.9'), true);
    assert.equal(acceptsEventStream('text/event-streamx'), false);
    assert.equal(acceptsEventStream(undefined), false);
  });
});
