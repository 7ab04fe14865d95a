import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { ReplicaHealth } from '../../src/backend/replica.health';
import type { ReplicaEntry } from '../../src/backend/replica.lifecycle';
import { ReplicaPool } from '../../src/backend/replica.pool';
import { ReplicaScheduler } from '../../src/router/replica.scheduler';
import { config, definition, flush, recordingLogger, settings } from '../helpers/backend.fixture';
import { FakeSite, type FakeReplica } from '../helpers/fake.replica';

const reasonOf = (replica: FakeReplica): string => replica.gone?.message ?? '';

/** Two fake replicas started through a real pool, and the scheduler that lists them. */
async function twoReplicas(): Promise<{ scheduler: ReplicaScheduler<ReplicaEntry>; site: FakeSite }> {
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
  return { scheduler, site };
}

describe('ReplicaHealth', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test('pings every period and kills a replica silent for longer than the timeout', async () => {
    const { scheduler, site } = await twoReplicas();
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
  test('a period longer than the timeout kills no replica that answers: the timeout counts from the ping', async () => {
    const { scheduler, site } = await twoReplicas();
    const logger = recordingLogger();
    const health = new ReplicaHealth(() => scheduler.all, 1_000, logger);
    health.start(5_000);
    for (let s = 0; s < 12; s++) {
      mock.timers.tick(1_000);
      await flush();
    }
    assert.equal(site.replicas[0].pings, 2);
    assert.equal(site.replicas[0].gone, undefined, 'answered every ping');
    assert.equal(site.replicas[1].gone, undefined, 'answered every ping');
    assert.deepEqual(logger.lines, []);
    site.replicas[1].silent = true;
    for (let s = 0; s < 3; s++) {
      mock.timers.tick(1_000);
      await flush();
    }
    assert.equal(site.replicas[1].gone, undefined, 'its ping at 15 s is not yet 1 s old');
    mock.timers.tick(1_000);
    await flush();
    assert.match(
      reasonOf(site.replicas[1]),
      /echo#2 did not answer a health ping within healthCheckTimeoutMs \(1000 ms\)/,
    );
    assert.equal(site.replicas[0].gone, undefined);
    health.stop();
  });

  test('sends no second ping while one is unanswered, and gives up on it after the timeout', async () => {
    const current = config({ numReplicas: 1 });
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
    const health = new ReplicaHealth(() => scheduler.all, 5_000, recordingLogger());
    site.replicas[0].silent = true;
    health.start(1_000);
    for (let s = 0; s < 5; s++) {
      mock.timers.tick(1_000);
      await flush();
    }
    assert.equal(site.replicas[0].pings, 1);
    assert.equal(site.replicas[0].gone, undefined, 'its ping at 1 s is 4 s old');
    mock.timers.tick(1_000);
    await flush();
    assert.match(reasonOf(site.replicas[0]), /echo#1/);
    health.stop();
  });
});
