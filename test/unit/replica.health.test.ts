import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { ReplicaHealth } from '../../src/backend/replica.health';
import type { ReplicaEntry } from '../../src/backend/replica.lifecycle';
import { ReplicaPool } from '../../src/backend/replica.pool';
import { ReplicaScheduler } from '../../src/router/replica.scheduler';
import { config, definition, flush, recordingLogger, settings } from '../helpers/backend.fixture';
import { FakeSite, type FakeReplica } from '../helpers/fake.replica';

const reasonOf = (replica: FakeReplica): string => replica.gone?.message ?? '';

describe('ReplicaHealth', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test('pings every period and kills a replica silent for longer than the timeout', async () => {
    const current = config({ numReplicas: 2 });
    const scheduler = new ReplicaScheduler<ReplicaEntry>(current.maxConcurrentQueries);
    const site = new FakeSite();
    const pool = new ReplicaPool({
      definition: definition(),
      config: () => current,
      scheduler,
      settings: settings(site),
      capacityChanged: () => undefined,
    });
    await pool.startOn(site);
    const logger = recordingLogger();
    const health = new ReplicaHealth(() => scheduler.all, 3_000, logger);
    site.replicas[1].silent = true;
    health.start(1_000);
    for (let s = 0; s < 3; s++) {
      mock.timers.tick(1_000);
      await flush();
    }
    assert.equal(site.replicas[0].pings, 3);
    assert.equal(site.replicas[1].gone, undefined, 'not yet past the timeout');
    mock.timers.tick(1_000);
    await flush();
    assert.match(reasonOf(site.replicas[1]), /echo#2/);
    assert.equal(site.replicas[0].gone, undefined);
    assert.match(logger.lines.join('\n'), /echo#2/);
    health.stop();
    mock.timers.tick(10_000);
    assert.equal(site.replicas[0].pings, 4);
  });
});
