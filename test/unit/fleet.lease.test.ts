import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FleetLease } from '../../src/fleet/fleet.lease';
import type { LeaseHolder, LeaseStore } from '../../src/fleet/lease.store';

/** A lease key in memory with the KV store's rules: compare-and-set, expiry `ttl` after the last write. */
class FakeLeaseStore implements LeaseStore {
  revision = 0;
  key?: { holder: LeaseHolder; revision: number; writtenAt: number };
  down = false;
  constructor(
    private readonly ttl: number,
    private readonly clock: () => number,
  ) {}
  private live() {
    if (this.down) throw new Error('no answer');
    if (this.key && this.clock() - this.key.writtenAt >= this.ttl) this.key = undefined;
    return this.key;
  }
  async acquireLease(holder: LeaseHolder) {
    if (this.live()) return undefined;
    this.key = { holder, revision: ++this.revision, writtenAt: this.clock() };
    return this.revision;
  }
  async renewLease(holder: LeaseHolder, revision: number) {
    if (this.live()?.revision !== revision) return undefined;
    this.key = { holder, revision: ++this.revision, writtenAt: this.clock() };
    return this.revision;
  }
  async leaseHolder() {
    return this.live()?.holder;
  }
  async releaseLease(revision: number) {
    if (this.live()?.revision === revision) this.key = undefined;
  }
}

function fleetOf(names: string[]) {
  let now = 1_000;
  const clock = () => now;
  const store = new FakeLeaseStore(3000, clock);
  const changes: string[] = [];
  const leases = names.map(
    (name) => new FleetLease(store, { id: name, name }, 3000, 1000, (held) => changes.push(`${name} ${held}`), clock),
  );
  return { store, leases, changes, advance: (ms: number) => (now += ms) };
}

test('one instance of three holds the lease; the others see who does', async () => {
  const { leases, changes } = fleetOf(['a', 'b', 'c']);
  for (const lease of leases) await lease.tick();
  assert.deepEqual(
    leases.map((l) => l.held),
    [true, false, false],
  );
  assert.deepEqual(changes, ['a true']);
  assert.equal(leases[2].holder?.name, 'a');
});

test('a holder that stops renewing (killed) loses it to another within the ttl plus a period', async () => {
  const { leases, advance, changes } = fleetOf(['a', 'b']);
  await leases[0].tick();
  await leases[1].tick();
  advance(2999);
  await leases[1].tick();
  assert.equal(leases[1].held, false, 'not before the key expired');
  advance(1);
  await leases[1].tick();
  assert.equal(leases[1].held, true);
  assert.equal(leases[0].held, false, 'the old holder counts itself out before the store expires it');
  assert.deepEqual(changes, ['a true', 'b true']);
});

test('a holder that renews keeps it; a graceful stop hands it over at once', async () => {
  const { leases, advance } = fleetOf(['a', 'b']);
  await leases[0].tick();
  for (let i = 0; i < 5; i++) {
    advance(1000);
    await leases[0].tick();
    await leases[1].tick();
    assert.deepEqual(
      leases.map((l) => l.held),
      [true, false],
    );
  }
  await leases[0].stop();
  await leases[1].tick();
  assert.equal(leases[1].held, true);
});

test('a holder cut off from the store stops counting itself the decider before its key expires', async () => {
  const { store, leases, advance, changes } = fleetOf(['a']);
  await leases[0].tick();
  store.down = true;
  advance(1000);
  await leases[0].tick();
  assert.equal(leases[0].held, true);
  advance(1000);
  await leases[0].tick();
  assert.equal(leases[0].held, false, 'valid until ttl − period after the last renewal');
  assert.deepEqual(changes, ['a true', 'a false']);
  store.down = false;
  advance(1500);
  await leases[0].tick();
  assert.equal(leases[0].held, true, 'takes it again once the old key expired');
});

test('a lease taken by a round still in flight when stop() runs is given up, never reported held', async () => {
  const { store, leases, changes } = fleetOf(['a']);
  const [a] = leases;
  const round = a.tick(); // acquireLease awaits the store
  await a.stop();
  await round;
  assert.equal(a.held, false);
  assert.deepEqual(changes, []);
  assert.equal(store.key, undefined, 'the store has no holder: another instance takes it at once');
});
