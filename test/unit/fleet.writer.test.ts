import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fleetChanges } from '../../src/fleet/fleet.change';
import type { FleetStore } from '../../src/fleet/fleet.store';
import { FleetWriter } from '../../src/fleet/fleet.writer';
import { twoBackends } from '../helpers/fleet.fixtures';

/** A store whose writes fail as the NATS client fails them. */
function failingStore(error: Error): FleetStore {
  return { update: () => Promise.reject(error), read: () => Promise.reject(error) } as unknown as FleetStore;
}

const change = fleetChanges.putEndpoint("setTraffic('e')", 'e', {
  route: '/e',
  methods: ['GET'],
  traffic: { a: 0, b: 1 },
  shadows: {},
});
const base = { revision: 4, state: twoBackends() };

test('NATS not answering: TIMEOUT naming the call and NATS, not a bare "timeout"', async () => {
  await assert.rejects(new FleetWriter(failingStore(new Error('timeout'))).write(change, base), (err: Error) => {
    assert.equal((err as { code?: string }).code, 'TIMEOUT');
    assert.match(
      err.message,
      /^setTraffic\('e'\): the fleet's desired state could not be written: NATS did not answer \(timeout\)/,
    );
    return true;
  });
});

test("a state over NATS's max_payload: PAYLOAD_TOO_LARGE saying what to do", async () => {
  const tooBig = new Error("'payload' max_payload size exceeded");
  await assert.rejects(new FleetWriter(failingStore(tooBig)).write(change, base), (err: Error) => {
    assert.equal((err as { code?: string }).code, 'PAYLOAD_TOO_LARGE');
    assert.match(err.message, /larger than the NATS server accepts in one message .*raise max_payload/);
    return true;
  });
});

test('another store failure (a permission) is passed on as it is, not called a timeout', async () => {
  const denied = new Error('permissions violation for publish to "$KV.p-fleet.state"');
  await assert.rejects(new FleetWriter(failingStore(denied)).write(change, base), (err: Error) => err === denied);
});
