import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventLog } from '../../src/signals/event.log';

test('events are stamped, kept oldest first, filtered by backend, and bounded', () => {
  const clock = { now: 1 };
  const log = new EventLog(3, () => clock.now);
  log.record({
    type: 'replica-started',
    backend: 'a',
    replica: 'a#1',
    site: 'local',
    kind: 'thread',
    message: 'a#1 up',
  });
  clock.now = 2;
  log.record({ type: 'replica-died', backend: 'b', replica: 'b#1', reason: 'exit code 137', message: 'b#1 died' });
  clock.now = 3;
  log.record({ type: 'scaled', backend: 'a', from: 1, to: 2, cause: 'config', message: 'a scaled' });
  assert.deepEqual(
    log.recent().map((e) => [e.at, e.type]),
    [
      [1, 'replica-started'],
      [2, 'replica-died'],
      [3, 'scaled'],
    ],
  );
  clock.now = 4;
  log.record({ type: 'config-rolled-out', backend: 'a', changed: ['userConfig'], message: 'a config' });
  assert.deepEqual(
    log.recent().map((e) => e.at),
    [2, 3, 4],
  );
  assert.deepEqual(
    log.recent(10, 'a').map((e) => e.type),
    ['scaled', 'config-rolled-out'],
  );
  assert.deepEqual(
    log.recent(1).map((e) => e.at),
    [4],
  );
  const died = log.recent(10, 'b')[0];
  assert.equal(died.type === 'replica-died' && died.reason, 'exit code 137');
});

test('forget drops one backend and keeps the order of the rest', () => {
  const log = new EventLog(4);
  for (const backend of ['a', 'b', 'a', 'c', 'b'])
    log.record({ type: 'replica-stopped', backend, replica: `${backend}#1`, message: backend });
  log.forget('b');
  assert.deepEqual(
    log.recent().map((e) => e.backend),
    ['a', 'c'],
  );
  log.record({ type: 'replica-stopped', backend: 'd', replica: 'd#1', message: 'd' });
  assert.deepEqual(
    log.recent().map((e) => e.backend),
    ['a', 'c', 'd'],
  );
  assert.throws(() => new EventLog(0), /capacity/);
});
