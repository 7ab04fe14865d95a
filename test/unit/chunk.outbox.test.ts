import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChunkOutbox, isAsyncIterable } from '../../src/replicas/chunk.outbox';
import { STREAM_WINDOW } from '../../src/replicas/replica.protocol';

const turn = () => new Promise((r) => setImmediate(r));

describe('ChunkOutbox', () => {
  test('sends at most a window without credit, then one more per credit; the head goes first', async () => {
    let made = 0;
    async function* endless() {
      for (;;) yield made++;
    }
    const sent: unknown[] = [];
    const outbox = new ChunkOutbox(
      endless(),
      () => sent.push('head'),
      (c) => sent.push(c),
    );
    const done = outbox.run();
    await turn();
    assert.equal(sent[0], 'head');
    assert.equal(sent.length, 1 + STREAM_WINDOW);
    assert.ok(made <= STREAM_WINDOW + 1, `made ${made}`);
    outbox.credit(10);
    await turn();
    assert.equal(sent.length, 1 + STREAM_WINDOW + 10);
    outbox.cancel();
    await done;
  });

  test('cancel closes the generator: its finally runs while it waits for credit', async () => {
    let closed = false;
    async function* gen() {
      try {
        for (;;) yield 'x';
      } finally {
        closed = true;
      }
    }
    const outbox = new ChunkOutbox(
      gen(),
      () => undefined,
      () => undefined,
    );
    const done = outbox.run();
    await turn();
    outbox.cancel();
    await done;
    await turn();
    assert.equal(closed, true);
  });

  test("the iterator's error rejects run(); an empty stream still sends its head", async () => {
    async function* broken() {
      yield 1;
      throw new Error('model fell over');
    }
    await assert.rejects(
      new ChunkOutbox(
        broken(),
        () => undefined,
        () => undefined,
      ).run(),
      /model fell over/,
    );
    let heads = 0;
    async function* empty() {}
    await new ChunkOutbox(
      empty(),
      () => heads++,
      () => undefined,
    ).run();
    assert.equal(heads, 1);
  });

  test('isAsyncIterable: generators and iterables, not values', () => {
    assert.equal(isAsyncIterable((async function* () {})()), true);
    assert.equal(isAsyncIterable({ [Symbol.asyncIterator]: () => undefined }), true);
    for (const v of ['text', [1], { a: 1 }, null, new Uint8Array(2)]) assert.equal(isAsyncIterable(v), false);
  });
});
