import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { acceptsEventStream, frame, writeStream, type StreamBody } from '../../src/http/stream.writer';

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
    assert.equal(frame({ event: 5, data: 'x' } as never, 'sse'), 'event: 5\ndata: x\n\n');
    assert.equal(frame({ data: 1, other: 2 }, 'sse'), 'data: {"data":1,"other":2}\n\n', 'other keys: a plain object');
  });

  test('Accept: text/event-stream, also among others', () => {
    assert.equal(acceptsEventStream('text/event-stream'), true);
    assert.equal(acceptsEventStream('application/json, text/event-stream;q=0.9'), true);
    assert.equal(acceptsEventStream('text/event-streamx'), false);
    assert.equal(acceptsEventStream(undefined), false);
  });
});

test('a chunk that cannot be framed ends the answer and cancels the producer (its slot is freed)', async () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  let cancelled = 0;
  const body: StreamBody = {
    status: 200,
    headers: {},
    takeBuffered: () => [],
    cancel: async () => void cancelled++,
    end: async () => undefined,
    async *[Symbol.asyncIterator]() {
      yield { n: 1 };
      yield cycle;
      for (;;) yield { n: 2 };
    },
  };
  const server = createServer((_req, res) => void writeStream(res, body, 'chunks', (e) => String(e)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`).then((r) => r.text()));
    assert.ok(cancelled >= 1, 'the producer was cancelled');
  } finally {
    server.close();
  }
});
