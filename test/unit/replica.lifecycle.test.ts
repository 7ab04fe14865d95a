import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { ReplicaLifecycle, type ReplicaEntry, type SiteState } from '../../src/backend/replica.lifecycle';
import { ReplicaScheduler } from '../../src/router/replica.scheduler';
import { config, definition, flush, settings } from '../helpers/backend.fixture';
import { FakeSite } from '../helpers/fake.replica';

function harness(userConfig: unknown = undefined) {
  const fake = new FakeSite('local', 'local', false);
  const site: SiteState = { site: fake, starting: new Set(), failures: 0, removed: false };
  const current = config({ userConfig, maxBatchSize: 4 });
  const scheduler = new ReplicaScheduler<ReplicaEntry>(current.maxConcurrentQueries);
  let changes = 0;
  const lifecycle = new ReplicaLifecycle(definition(), () => current, settings(fake), scheduler, {
    exited: () => undefined,
    capacityChanged: () => void changes++,
  });
  return { fake, site, current, scheduler, lifecycle, changes: () => changes };
}

describe('ReplicaLifecycle', () => {
  test('launch sends the definition and config, and lists the replica as starting until ready', async () => {
    const { fake, site, lifecycle } = harness({ t: 1 });
    const launched = lifecycle.launch(site, 7);
    assert.equal(site.starting.size, 1);
    const init = fake.replicas[0].spec.init;
    assert.deepEqual(
      [init.replicaId, init.userConfig, init.hasUserConfig, init.maxBatchSize],
      ['echo#7', { t: 1 }, true, 4],
    );
    fake.replicas[0].becomeReady();
    const entry = await launched;
    assert.equal(entry.state, 'starting');
    assert.equal(site.starting.size, 0);
  });

  test('a batching change during the start is applied before the replica is used', async () => {
    const { fake, site, current, lifecycle } = harness();
    const launched = lifecycle.launch(site, 1);
    current.maxBatchSize = 8;
    fake.replicas[0].becomeReady();
    await launched;
    assert.deepEqual(fake.replicas[0].batching, [[8, 0]]);
  });

  test('a failed start kills the replica and rejects with its reason', async () => {
    const { fake, site, lifecycle } = harness();
    const launched = lifecycle.launch(site, 1);
    fake.replicas[0].failStart(new Error('bad weights'));
    await assert.rejects(launched, /bad weights/);
    assert.ok(fake.replicas[0].gone);
  });

  test('retire drains (no new requests) and stops once the last request finished', async () => {
    const { fake, site, lifecycle, scheduler, changes } = harness();
    const launched = lifecycle.launch(site, 1);
    fake.replicas[0].becomeReady();
    const entry = await launched;
    scheduler.add(entry);
    entry.inFlight = 1;
    const retired = lifecycle.retire(entry, 10_000);
    await flush();
    assert.deepEqual([entry.state, entry.accepting, fake.replicas[0].stopped], ['draining', false, false]);
    entry.inFlight = 0;
    entry.idle!();
    await retired;
    assert.deepEqual([entry.state, fake.replicas[0].stopped, scheduler.all.length, changes()], ['stopped', true, 0, 1]);
  });
});
