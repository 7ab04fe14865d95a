import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ackVerdict } from '../../src/fleet/ack.verdict';
import { FleetAcks } from '../../src/fleet/fleet.acks';
import type { FleetInstance } from '../../src/fleet/fleet.state';
import { isServeError } from '../../src/serve.errors';

const now = 100_000;
const instance = (id: string, revision: number, lastSeen = now, error?: FleetInstance['error']): FleetInstance => ({
  id,
  name: `pod-${id}`,
  revision,
  startedAt: 0,
  lastSeen,
  ...(error ? { error } : {}),
});

test('applied once every live instance is at the revision or past it', () => {
  assert.deepEqual(ackVerdict([instance('a', 7), instance('b', 8)], 7, now, 3000), { state: 'applied' });
});

test('waiting names the live instances behind; a silent one does not count', () => {
  const verdict = ackVerdict([instance('a', 6), instance('b', 3, now - 3001)], 7, now, 3000);
  assert.equal(verdict.state, 'waiting');
  assert.deepEqual(verdict.state === 'waiting' && verdict.lagging.map((i) => i.id), ['a']);
});

test('an instance that failed this revision fails the wait', () => {
  const verdict = ackVerdict([instance('a', 7, now, { revision: 7, message: 'no class' })], 7, now, 3000);
  assert.equal(verdict.state, 'failed');
});

test('FleetAcks.wait resolves when the last instance reports, and times out naming the lagging one', async () => {
  const acks = new FleetAcks(60_000, 'self');
  acks.seen('b', instance('b', 1, Date.now()));
  const waiting = acks.wait(2, "setTraffic('e')", 5000);
  acks.seen('b', instance('b', 2, Date.now()));
  await waiting;
  await assert.rejects(acks.wait(3, "setTraffic('e')", 50), (err: unknown) => {
    assert.ok(isServeError(err));
    assert.equal(err.code, 'TIMEOUT');
    assert.match(
      err.message,
      /written at revision 3, but instance\(s\) pod-b \(b\) at revision 2 had not applied it after 50 ms/,
    );
    return true;
  });
});
