import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NatsConnection } from '@nats-io/transport-node';
import { FleetKvStore, fleetBucketBase } from '../../src/cluster/fleet-kv.store';

test('prefixes a bucket name can hold keep their buckets; the others get a hash, so they never collide', () => {
  assert.equal(fleetBucketBase('nestjs-serve'), 'nestjs-serve');
  assert.equal(fleetBucketBase('a_b'), 'a_b');
  const dotted = fleetBucketBase('a.b');
  assert.match(dotted, /^a_b_[0-9a-f]{8}$/);
  assert.notEqual(fleetBucketBase('a b'), dotted);
  assert.equal(fleetBucketBase('a.b'), dotted);
});

test('a prefix too long for a JetStream stream name is refused before NATS is asked, naming the limit', async () => {
  const untouchable = new Proxy({} as NatsConnection, {
    get: (_, key) => {
      throw new Error(`the connection was used (${String(key)})`);
    },
  });
  const opened = await FleetKvStore.open(untouchable, 'x'.repeat(300), 10_000, 1000);
  assert.ok(!(opened instanceof FleetKvStore));
  assert.equal(opened.reason, 'bad-prefix');
  assert.match(opened.message, /'x{20}…' \(300 characters;.*at most 242 characters/);
  const dotted = await FleetKvStore.open(untouchable, `a.${'x'.repeat(240)}`, 10_000, 1000);
  assert.match((dotted as { message: string }).message, /at most 233 characters/);
  await assert.rejects(FleetKvStore.open(untouchable, 'x'.repeat(242), 10_000, 1000), /the connection was used/);
});
