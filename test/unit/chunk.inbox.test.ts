import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { ChunkInbox } from '../../src/replicas/chunk.inbox';
import { STREAM_WINDOW } from '../../src/replicas/replica.protocol';

function link() {
  const grants: number[] = [];
  let cancels = 0;
  return { grants, cancels: () => cancels, link: { grant: (n: number) => grants.push(n), cancel: () => cancels++ } };
}

describe('ChunkInbox', () => {
  test('the idle error wins over the cancellation it causes (a link that ends the stream as CANCELLED at once)', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const cancelling = {
        grant: () => undefined,
        cancel: () => inbox.finish(new Error('CANCELLED: the caller went away')),
      };
      const inbox: ChunkInbox = new ChunkInbox(cancelling, 100, () => new Error('idle: streamIdleTimeoutMs'));
      const stalled = inbox.next();
      mock.timers.tick(100);
      await assert.rejects(stalled, /idle: streamIdleTimeoutMs/);
    } finally {
      mock.timers.reset();
    }
  });

  test('reads chunks in order, then the end; grants credit half a window at a time', async () => {
    const l = link();
    const inbox = new ChunkInbox(l.link);
    for (let i = 0; i < STREAM_WINDOW; i++) inbox.push(i);
    const read: unknown[] = [];
    for (let i = 0; i < STREAM_WINDOW; i++) read.push((await inbox.next()).value);
    inbox.finish();
    assert.deepEqual(await inbox.next(), { value: undefined, done: true });
    assert.deepEqual(
      read,
      Array.from({ length: STREAM_WINDOW }, (_, i) => i),
    );
    assert.deepEqual(l.grants, [STREAM_WINDOW / 2, STREAM_WINDOW / 2]);
    assert.equal(l.cancels(), 0, 'a stream read to its end is not cancelled');
  });

  test('a waiting reader gets the next chunk as it arrives, and the error after the chunks already received', async () => {
    const inbox = new ChunkInbox(link().link);
    const next = inbox.next();
    inbox.push('a');
    assert.deepEqual(await next, { value: 'a', done: false });
    inbox.push('b');
    inbox.finish(new Error('broke'));
    assert.deepEqual(await inbox.next(), { value: 'b', done: false });
    await assert.rejects(inbox.next(), /broke/);
  });

  test('return() cancels the producer, ends a waiting read, and drops what is buffered', async () => {
    const l = link();
    const inbox = new ChunkInbox(l.link);
    const waiting = inbox.next();
    await inbox.return();
    assert.deepEqual(await waiting, { value: undefined, done: true });
    assert.equal(l.cancels(), 1);
    inbox.push('late');
    assert.equal(inbox.buffered, 0);
  });

  test('a reader that waits longer than idleMs gets the idle error and the producer is cancelled', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const l = link();
      const inbox = new ChunkInbox(l.link, 100, () => new Error('idle'));
      inbox.push('first');
      await inbox.next();
      const waiting = inbox.next();
      mock.timers.tick(99);
      inbox.push('in time');
      assert.deepEqual(await waiting, { value: 'in time', done: false });
      const stalled = inbox.next();
      mock.timers.tick(100);
      await assert.rejects(stalled, /idle/);
      assert.equal(l.cancels(), 1);
    } finally {
      mock.timers.reset();
    }
  });

  test('onClose hears once how the stream closed: abandoned only when the reader left before the end', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const closes = (make: (onClose: (abandoned: boolean) => void) => ChunkInbox) => {
        const heard: boolean[] = [];
        return { inbox: make((abandoned) => heard.push(abandoned)), heard };
      };
      const left = closes((onClose) => new ChunkInbox(link().link, 0, undefined, onClose));
      left.inbox.push('a');
      await left.inbox.return();
      left.inbox.finish();
      assert.deepEqual(left.heard, [true], 'left before the end; the end that follows is not heard');
      const ended = closes((onClose) => new ChunkInbox(link().link, 0, undefined, onClose));
      ended.inbox.push('a');
      ended.inbox.finish(new Error('failed after its head'));
      await ended.inbox.return();
      assert.deepEqual(ended.heard, [false], 'ended (or failed) first; leaving the rest unread abandons nothing');
      const l = link();
      const enough = closes((onClose) => new ChunkInbox(l.link, 0, undefined, onClose));
      await enough.inbox.end();
      assert.deepEqual(
        [enough.heard, l.cancels()],
        [[false], 1],
        'end(): the producer stops, its reader needed no more',
      );
      const idle = closes((onClose) => new ChunkInbox(link().link, 100, () => new Error('idle'), onClose));
      const stalled = idle.inbox.next();
      mock.timers.tick(100);
      await assert.rejects(stalled, /idle/);
      assert.deepEqual(idle.heard, [false], 'an idle stream failed; its reader did not leave');
    } finally {
      mock.timers.reset();
    }
  });
});
