import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { ConfigRollout } from '../../src/backend/config.rollout';
import type { ReplicaEntry } from '../../src/backend/replica.lifecycle';
import { ReplicaPool } from '../../src/backend/replica.pool';
import { ReplicaScheduler } from '../../src/router/replica.scheduler';
import { ServeError, isServeError } from '../../src/serve.errors';
import { config, definition, settings } from '../helpers/backend.fixture';
import { FakeSite } from '../helpers/fake.replica';

async function harness(numReplicas: number) {
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
});
