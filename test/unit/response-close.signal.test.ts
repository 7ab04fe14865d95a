import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { ResponseCloseSignal } from '../../src/http/response-close.signal';

const response = (socket: EventEmitter | null, finished = false) => {
  const res = new EventEmitter() as EventEmitter & { socket: unknown; writableFinished: boolean };
  res.socket = socket;
  res.writableFinished = finished;
  return res as unknown as ServerResponse & { writableFinished: boolean };
};

test('one close listener per connection; its close aborts the requests on it still unanswered', () => {
  const socket = Object.assign(new EventEmitter(), { destroyed: false });
  const [first, second, answered] = [
    new ResponseCloseSignal(response(socket)),
    new ResponseCloseSignal(response(socket)),
    new ResponseCloseSignal(response(socket, true)),
  ];
  assert.equal(socket.listenerCount('close'), 1);
  let heard = 0;
  first.addEventListener('abort', () => heard++);
  second.dispose();
  socket.emit('close');
  assert.deepEqual([first.aborted, second.aborted, answered.aborted, heard], [true, false, false, 1]);
});

test('a connection already gone aborts at once; without a socket the response is followed', () => {
  assert.equal(new ResponseCloseSignal(response(Object.assign(new EventEmitter(), { destroyed: true }))).aborted, true);
  const res = response(null);
  const signal = new ResponseCloseSignal(res);
  assert.equal(res.listenerCount('close'), 1);
  res.emit('close');
  assert.equal(signal.aborted, true);
  signal.dispose();
  assert.equal(res.listenerCount('close'), 0);
});

test('a response queued behind another on a pipelined connection (no socket yet) follows its request’s socket', () => {
  const socket = Object.assign(new EventEmitter(), { destroyed: false });
  const queued = Object.assign(response(null), { req: { socket } });
  const signal = new ResponseCloseSignal(queued);
  assert.equal(queued.listenerCount('close'), 0);
  socket.emit('close');
  assert.equal(signal.aborted, true);
});
