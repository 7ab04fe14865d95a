import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { ConfigRollout } from '../../src/backend/config.rollout';
import type { ReplicaEntry } from '../../src/backend/replica.lifecycle';
import { ReplicaPool } from '../../src/backend/replica.pool';
import { ReplicaScheduler } from '../../src/router/replica.scheduler';
import { ServeError, isServeError } from '../../src/serve.errors';
import { config, definition, settings } from '../helpers/backend.fixture';
import { FakeSite, type FakeReplica } from '../helpers/fake.replica';

/** A `reconfigure` that never settles for `config` (and records it, as the fake does). */
function hangOn(replica: FakeReplica, config: unknown): void {
  const reconfigure = replica.reconfigure.bind(replica);
  replica.reconfigure = (c) =>
    c === config ? (replica.configs.push(c), new Promise(() => undefined)) : reconfigure(c);
}

async function harness(numReplicas: number, deadlineMs = 2_000) {
  const current = config({ numReplicas, userConfig: 'old' });
  const scheduler = new ReplicaScheduler<ReplicaEntry>(current.maxConcurrentQueries);
  const site = new FakeSite();
  let changes = 0;
  const pool = new ReplicaPool({
    definition: definition(),
    config: () => current,
    scheduler,
    settings: settings(site),
    capacityChanged: () => undefined,
  });
  await pool.startOn(site);
  const rollout = new ConfigRollout(
    'echo',
    () => scheduler.all,
    () => current,
    () => void changes++,
    deadlineMs,
  );
  return { rollout, site, scheduler, current, changes: () => changes };
}

describe('ConfigRollout', () => {
  test('reconfigures every replica in turn, each out of rotation during its turn', async () => {
    const { rollout, site, scheduler, current, changes } = await harness(3);
    const seen: boolean[] = [];
    for (const replica of site.replicas)
      replica.reconfigureError = () => {
        seen.push(scheduler.all.find((e) => e.replica === replica)!.accepting);
        return undefined;
      };
    await rollout.roll('new');
    assert.deepEqual(
      site.replicas.map((r) => r.configs),
      [['new'], ['new'], ['new']],
    );
    assert.deepEqual(seen, [false, false, false]);
    assert.ok(scheduler.all.every((e) => e.state === 'ready' && e.accepting));
    assert.equal(current.userConfig, 'new');
    assert.equal(changes(), 3);
  });

  test('a failed rollout rolls back only the replicas it changed, and rejects naming the replica', async () => {
    const { rollout, site, current } = await harness(3);
    site.replicas[1].reconfigureError = (c) => (c === 'new' ? new Error('threshold must be a number') : undefined);
    const error = await rollout.roll('new').catch((err: unknown) => err);
    assert.ok(isServeError(error) && error.code === 'INVALID_CONFIG');
    assert.match(error.message, /echo#2.*threshold must be a number/s);
    assert.deepEqual(
      site.replicas.map((r) => r.configs),
      [['new', 'old'], ['new', 'old'], []],
    );
    assert.equal(current.userConfig, 'old');
  });

  test('a replica that dies during its turn is skipped, not a failure', async () => {
    const { rollout, site } = await harness(2);
    site.replicas[0].reconfigure = async () => {
      site.replicas[0].die(new Error('OOM'));
      throw new ServeError('REPLICA_UNAVAILABLE', 'died');
    };
    await rollout.roll('new');
    assert.deepEqual(site.replicas[1].configs, ['new']);
  });

  test(
    'a reconfigure that never settles times out: rolled back, the replica replaced with the old config',
    { timeout: 5_000 },
    async () => {
      const { rollout, site, scheduler, current } = await harness(3, 50);
      hangOn(site.replicas[1], 'new');
      const error = await rollout.roll('new').catch((err: unknown) => err);
      assert.ok(isServeError(error) && error.code === 'TIMEOUT', String(error));
      assert.match(error.message, /Backend 'echo': reconfigure\(\) in replica echo#2 did not settle within 50 ms/);
      assert.equal(current.userConfig, 'old');
      assert.deepEqual(
        site.replicas.map((r) => r.configs),
        [['new', 'old'], ['new'], []],
        'the replica done is rolled back, the one after the hung one never saw the new config',
      );
      assert.match(site.replicas[1].gone?.message ?? '', /did not settle within 50 ms.*previous userConfig/);
      assert.deepEqual(
        scheduler.all.map((e) => [e.id, e.state, e.accepting]),
        [
          ['echo#1', 'ready', true],
          ['echo#3', 'ready', true],
        ],
      );
      await waitFor(() => scheduler.all.length === 3);
      assert.equal(site.replicas[3].spec.init.userConfig, 'old', 'the replacement starts with the previous config');
      await rollout.roll('next');
      assert.deepEqual(
        scheduler.all.map((e) => (e.replica as FakeReplica).configs.at(-1)),
        ['next', 'next', 'next'],
        'the next update goes through',
      );
    },
  );

  test(
    'a rollback that never settles kills that replica too, and the call still rejects with the first failure',
    { timeout: 5_000 },
    async () => {
      const { rollout, site, current } = await harness(2, 50);
      hangOn(site.replicas[0], 'old');
      site.replicas[1].reconfigureError = (c) => (c === 'new' ? new Error('bad') : undefined);
      const error = await rollout.roll('new').catch((err: unknown) => err);
      assert.ok(isServeError(error) && error.code === 'INVALID_CONFIG', String(error));
      assert.equal(current.userConfig, 'old');
      assert.ok(site.replicas[0].gone, 'the replica whose rollback hung is killed');
      assert.deepEqual(site.replicas[1].configs, ['new', 'old']);
    },
  );
});

async function waitFor(check: () => boolean, ms = 2_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
