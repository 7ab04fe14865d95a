import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import type { ReplicaEntry } from '../../src/backend/replica.lifecycle';
import { ReplicaPool } from '../../src/backend/replica.pool';
import type { ResolvedBackendConfig } from '../../src/interfaces/backend-config.interface';
import { ReplicaScheduler } from '../../src/router/replica.scheduler';
import { config, definition, flush, settings } from '../helpers/backend.fixture';
import { FakeSite } from '../helpers/fake.replica';

function harness(overrides: Partial<ResolvedBackendConfig> = {}, site = new FakeSite()) {
  const current = config(overrides);
  const scheduler = new ReplicaScheduler<ReplicaEntry>(current.maxConcurrentQueries);
  let changes = 0;
  const pool = new ReplicaPool({
    definition: definition('echo', 'both'),
    config: () => current,
    scheduler,
    settings: settings(site),
    capacityChanged: () => void changes++,
  });
  return { pool, site, scheduler, current, changes: () => changes };
}

describe('ReplicaPool', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  test('starts numReplicas on a site; each ready replica is added and announced', async () => {
    const { pool, site, scheduler, changes } = harness({ numReplicas: 2, userConfig: { t: 1 } });
    await pool.startOn(site);
    assert.deepEqual(
      scheduler.all.map((e) => [e.id, e.state, e.accepting]),
      [
        ['echo#1', 'ready', true],
        ['echo#2', 'ready', true],
      ],
    );
    assert.deepEqual(site.replicas[0].spec.init.userConfig, { t: 1 });
    assert.equal(changes(), 2);
  });

  test('a replica that does not start within replicaStartTimeoutMs is killed and the start rejects', async () => {
    const site = new FakeSite('local', 'local', false);
    const { pool } = harness({}, site);
    const started = pool.startOn(site);
    await flush();
    mock.timers.tick(1_999);
    assert.equal(site.replicas[0].gone, undefined);
    mock.timers.tick(1);
    await assert.rejects(started, /echo#1.*2000/s);
    assert.ok(site.replicas[0].gone);
    assert.match(pool.lastError ?? '', /echo#1/);
  });

  test('a replica that starts while the config changed catches up before taking requests', async () => {
    const site = new FakeSite('local', 'local', false);
    const { pool, current, scheduler } = harness({ userConfig: 'v1' }, site);
    const started = pool.startOn(site);
    current.userConfig = 'v2';
    site.replicas[0].becomeReady();
    await started;
    assert.deepEqual(site.replicas[0].configs, ['v2']);
    assert.equal(scheduler.all.length, 1);
  });

  test('a crashed replica is replaced after the backoff of an unstable start', async () => {
    const { pool, site, scheduler } = harness();
    await pool.startOn(site);
    site.replicas[0].die(new Error('segfault'));
    assert.equal(scheduler.all.length, 0);
    assert.ok(pool.hasCapacity, 'a replacement is due');
    mock.timers.tick(199);
    assert.equal(site.replicas.length, 1);
    mock.timers.tick(1);
    assert.equal(site.replicas.length, 2);
    await flush();
    assert.equal(scheduler.all[0]?.id, 'echo#2');
    assert.equal(pool.restarts, 1);
    assert.equal(pool.lastError, 'segfault');
  });

  test('a replica that ran stably is replaced at once', async () => {
    const { pool, site } = harness();
    await pool.startOn(site);
    mock.timers.tick(5_000);
    site.replicas[0].die();
    mock.timers.tick(0);
    assert.equal(site.replicas.length, 2);
  });

  test('scale-down retires the newest replicas and waits for their requests', async () => {
    const { pool, site, scheduler } = harness({ numReplicas: 3 });
    await pool.startOn(site);
    const newest = scheduler.all[2];
    newest.inFlight = 1;
    let done = false;
    const scaled = pool.scale(2).then(() => (done = true));
    await flush();
    assert.equal(newest.state, 'draining');
    assert.equal(newest.accepting, false);
    assert.equal(site.replicas[2].stopped, false, 'still finishing its request');
    assert.equal(done, false);
    newest.inFlight = 0;
    newest.idle!();
    await scaled;
    assert.equal(site.replicas[2].stopped, true);
    assert.deepEqual(
      scheduler.all.map((e) => e.id),
      ['echo#1', 'echo#2'],
    );
  });

  test('scale-down right after a crash cancels the replacement still starting and keeps the ready replica', async () => {
    const { pool, site, scheduler, current } = harness({ numReplicas: 2 });
    await pool.startOn(site);
    mock.timers.tick(5_000);
    site.autoReady = false;
    site.replicas[1].die(new Error('SIGKILL'));
    mock.timers.tick(0);
    assert.equal(site.replicas.length, 3, 'the replacement is starting');
    assert.deepEqual(
      [...pool.running, ...pool.starting].map((e) => [e.id, e.state]),
      [
        ['echo#1', 'ready'],
        ['echo#3', 'starting'],
      ],
    );
    await pool.scale(1);
    assert.equal(current.numReplicas, 1);
    assert.equal(site.replicas[0].stopped, false, 'the ready replica keeps serving');
    assert.ok(site.replicas[2].gone, 'the starting replacement is stopped');
    assert.deepEqual(
      scheduler.all.map((e) => [e.id, e.state, e.accepting]),
      [['echo#1', 'ready', true]],
    );
    assert.equal(pool.starting.length, 0);
    mock.timers.tick(20_000);
    await flush();
    assert.equal(site.replicas.length, 3, 'a cancelled start is not retried');
    assert.equal(site.replicas[0].calls.length, 0);
  });

  test('scale-down cancels starting replicas first, then drains ready ones newest first', async () => {
    const { pool, site, scheduler } = harness({ numReplicas: 3 });
    await pool.startOn(site);
    mock.timers.tick(5_000);
    site.autoReady = false;
    site.replicas[1].die();
    mock.timers.tick(0);
    assert.deepEqual(
      pool.starting.map((e) => e.id),
      ['echo#4'],
    );
    await pool.scale(1);
    assert.deepEqual(
      site.replicas.map((r) => [r.id, r.gone?.message ?? 'alive']),
      [
        ['echo#1', 'alive'],
        ['echo#2', 'crashed'],
        ['echo#3', 'stopped'],
        [
          'echo#4',
          "Backend 'echo': replica echo#4 was still starting when the backend scaled down to 1; it was stopped so that the ready replicas keep serving.",
        ],
      ],
    );
    assert.deepEqual(
      scheduler.all.map((e) => e.id),
      ['echo#1'],
    );
  });

  test('a site that dies drops its replicas at once', async () => {
    const { pool, site, scheduler, changes } = harness({ numReplicas: 2 });
    await pool.startOn(site);
    const remote = new FakeSite('host-a', 'gpu-box');
    pool.addSite(remote);
    await flush();
    assert.equal(scheduler.all.length, 4);
    const before = changes();
    await pool.removeSite('host-a', 'replica host gpu-box died', false);
    assert.deepEqual(
      remote.replicas.map((r) => r.gone?.message),
      ['replica host gpu-box died', 'replica host gpu-box died'],
    );
    assert.deepEqual(
      scheduler.all.map((e) => e.site.site.name),
      ['local', 'local'],
    );
    assert.equal(changes(), before + 1);
    assert.equal(pool.lastError, 'replica host gpu-box died');
    mock.timers.tick(10_000);
    assert.equal(remote.replicas.length, 2, 'no replacement on a site that left');
  });

  test('a failed scale-up puts every site back to the previous number', async () => {
    const { pool, site, scheduler, current } = harness({ numReplicas: 1 });
    await pool.startOn(site);
    site.autoReady = false;
    const scaled = pool.scale(2);
    site.replicas[1].failStart(new Error('no GPU'));
    await assert.rejects(scaled, /no GPU/);
    assert.equal(current.numReplicas, 1);
    assert.equal(scheduler.all.length, 1);
  });
});
