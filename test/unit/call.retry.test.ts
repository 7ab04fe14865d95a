import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallRetry } from '../../src/backend/call.retry';
import { MAX_NOT_STARTED_RETRIES, NO_ROUTE, RouterJob } from '../../src/backend/router.job';
import type { ReplicaSlot } from '../../src/router/replica.scheduler';
import type { WireOutcome } from '../../src/replicas/replica.protocol';

const job = () => new RouterJob('call', { id: 'r' } as never, () => undefined, NO_ROUTE, undefined);
const refused: WireOutcome = { ok: false, e: { message: 'full', code: 'OVERLOADED', notStarted: true, refused: true } };
const notStarted: WireOutcome = { ok: false, e: { message: 'gone', notStarted: true } };
const ok: WireOutcome = { ok: true, v: { v: 1 } };

test('a refused call is always taken back, without using its retries; the replica pauses longer each time', () => {
  let woken = 0;
  const retry = new CallRetry(() => woken++);
  const slot: ReplicaSlot = { id: 's', inFlight: 0, accepting: true };
  const j = job();
  const pauses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const before = performance.now();
    assert.equal(retry.takesBack(slot, j, refused), true);
    pauses.push(slot.refusedUntil! - before);
  }
  assert.equal(j.retries, 0);
  assert.equal(j.queued, true);
  assert.equal(retry.refusals, 10);
  assert.ok(pauses[0] <= 3 && pauses[3] > pauses[0] && pauses[9] <= 125, pauses.join());
  assert.equal(retry.takesBack(slot, j, ok), false);
  assert.equal(slot.refusedInARow, 0, 'an answer ends the run of refusals');
  retry.close();
  assert.equal(woken, 0, 'closed: no wake-up after');
});

test('a call that never reached a replica is taken back at most MAX_NOT_STARTED_RETRIES times', () => {
  const retry = new CallRetry(() => undefined);
  const slot: ReplicaSlot = { id: 's', inFlight: 0, accepting: true };
  const j = job();
  for (let i = 0; i < MAX_NOT_STARTED_RETRIES; i++) assert.equal(retry.takesBack(slot, j, notStarted), true);
  assert.equal(retry.takesBack(slot, j, notStarted), false);
  assert.equal(slot.refusedUntil, undefined);
});

test('the pause ends with a wake-up', async () => {
  let woken = 0;
  const retry = new CallRetry(() => woken++);
  retry.takesBack({ id: 's', inFlight: 0, accepting: true }, job(), refused);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(woken, 1);
});
