import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isServeError, type ServeModuleOptions } from '../../src';
import { FleetA, FleetB, FleetRuntime } from '../fixtures/fleet.backends';
import { startNats, type TestNats } from '../helpers/processes';
import { startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';
import { scrape, value } from '../helpers/prometheus-scrape';

// Instances of one app sharing their desired state in NATS JetStream's key-value store: three
// Nest apps in this process over real HTTP, a real nats-server with -js. Rerun alone with:
//   npm run build && node --test --test-concurrency=1 -r @swc-node/register test/e2e/fleet.test.ts

type Version = { version: string; greeting?: string };

describe('fleet: instances share one desired state in JetStream', () => {
  const prefix = `f${randomBytes(4).toString('hex')}`;
  let nats: TestNats;
  const apps: ServeApp[] = [];
  const options = (name: string): ServeModuleOptions => ({
    backends: [FleetA, FleetB],
    dashboard: { path: '/_serve' },
    metrics: { path: '/metrics' },
    cluster: { servers: nats.url, prefix, name, fleet: { heartbeatPeriodMs: 250, applyTimeoutMs: 20_000 } },
  });
  const start = async (name: string) => {
    const app = await startServeApp(options(name));
    apps.push(app);
    return app;
  };
  const version = async (app: ServeApp, path = '/fleet') => (await app.http.get(path).expect(200)).body as Version;
  const revisions = (app: ServeApp) =>
    app.serve
      .status()
      .fleet!.instances.filter((i) => i.live)
      .map((i) => i.revision);

  before(async () => {
    nats = await startNats({ jetstream: true });
  });

  after(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await nats?.stop();
  });

  test('two instances join: each lists both (id, name, revision, last seen) in status(), at the same revision', async (t) => {
    const t0 = performance.now();
    const one = await start('one');
    const t1 = performance.now();
    const two = await start('two');
    t.diagnostic(
      `app.init(): first instance ${(t1 - t0).toFixed(0)} ms, second ${(performance.now() - t1).toFixed(0)} ms`,
    );
    await waitFor('both instances in each status', () =>
      [one, two].every((app) => app.serve.status().fleet?.instances.filter((i) => i.live).length === 2),
    );
    for (const app of [one, two]) {
      const fleet = app.serve.status().fleet!;
      assert.equal(fleet.mode, 'shared');
      assert.deepEqual(fleet.instances.map((i) => i.name).sort(), ['one', 'two']);
      assert.ok(fleet.instances.every((i) => i.lastSeen > Date.now() - 10_000 && i.id.length > 0));
      assert.equal(fleet.instances.filter((i) => i.self).length, 1);
    }
    assert.equal(one.serve.status().fleet!.revision, two.serve.status().fleet!.revision);
    assert.deepEqual(await version(two), { version: 'A', greeting: 'hi' });
    const page = (await two.http.get('/_serve').expect(200)).text;
    assert.match(page, /<h2>Fleet<\/h2>/);
    for (const i of two.serve.status().fleet!.instances) assert.match(page, new RegExp(`data-instance="${i.id}"`));
    await waitFor('one decider named on both', () =>
      [one, two].every(
        (app) =>
          app.serve.status().fleet!.decider === one.serve.status().fleet!.decider && app.serve.status().fleet!.decider,
      ),
    );
    let deciders = 0;
    for (const app of [one, two]) {
      const families = await scrape(app);
      const revisions = families.get('nestjs_serve_fleet_instance_revision')!.metrics;
      assert.deepEqual(revisions.map((m) => m.labels!.name).sort(), ['one', 'two']);
      assert.ok(revisions.every((m) => Number(m.value) === app.serve.status().fleet!.revision));
      assert.deepEqual(
        revisions.filter((m) => m.labels!.self === '1').map((m) => m.labels!.fleet_instance),
        [app.serve.status().fleet!.instance],
      );
      deciders += value(families, 'nestjs_serve_fleet_decider', {});
    }
    assert.equal(deciders, 1, 'exactly one of the two is the decider');
    await waitFor("each instance's own figures in the other's status()", () =>
      one.serve.status().fleet!.instances.every((i) => i.figures !== undefined),
    );
    const seenByOne = one.serve.status().fleet!.instances.find((i) => i.name === 'two')!;
    await waitFor(
      'two counted its request',
      () => (one.serve.status().fleet!.instances.find((i) => i.name === 'two')!.figures?.requests ?? 0) >= 1,
    );
    assert.equal(seenByOne.figures!.failed, 0);
    assert.match(
      (await two.http.get('/_serve').expect(200)).text,
      /data-field="instance-figures">\d+ \(0\) · \d+ · \d+</,
    );
    const decider = one.serve.status().fleet!.decider!;
    assert.match(
      (await two.http.get('/_serve').expect(200)).text,
      new RegExp(`data-field="decider">${decider.replace(/[()]/g, '\\$&')}<`),
    );
  });

  test('setTraffic on instance 1 is in effect on instance 2 when it resolves; propagation over 50 changes', async (t) => {
    const [one, two] = apps;
    await one.serve.setTraffic('fleet', { FleetA: 0, FleetB: 1 });
    for (let i = 0; i < 5; i++) assert.equal((await version(two)).version, 'B');
    const seen: number[] = [];
    const resolved: number[] = [];
    for (let i = 0; i < 50; i++) {
      const want = i % 2 === 0 ? 'A' : 'B';
      const started = performance.now();
      let resolvedAt = 0;
      const call = one.serve
        .setTraffic('fleet', want === 'A' ? { FleetA: 1, FleetB: 0 } : { FleetA: 0, FleetB: 1 })
        .then(() => (resolvedAt = performance.now()));
      // Back-to-back requests (no sleep): the time resolution is one HTTP round trip.
      while ((await version(two)).version !== want)
        if (performance.now() - started > 10_000) throw new Error(`instance 2 never served ${want}`);
      seen.push(performance.now() - started);
      await call;
      resolved.push(resolvedAt - started);
    }
    const pct = (xs: number[], p: number) =>
      [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
    t.diagnostic(
      `setTraffic on 1 → seen over HTTP on 2: p50 ${pct(seen, 0.5).toFixed(1)} ms, p99 ${pct(seen, 0.99).toFixed(1)} ms; ` +
        `call resolved (every instance applied): p50 ${pct(resolved, 0.5).toFixed(1)} ms, p99 ${pct(resolved, 0.99).toFixed(1)} ms`,
    );
    assert.deepEqual(two.serve.listEndpoints().fleet.traffic, { FleetA: 0, FleetB: 1 });
  });

  test("updateBackendConfig({ userConfig }) on instance 1 reaches instance 2's replicas", async () => {
    const [one, two] = apps;
    await one.serve.setTraffic('fleet', { FleetA: 1, FleetB: 0 });
    await one.serve.updateBackendConfig('FleetA', { userConfig: { greeting: 'hello' } });
    assert.deepEqual(await version(two), { version: 'A', greeting: 'hello' });
    assert.deepEqual(two.serve.getBackendConfig('FleetA').userConfig, { greeting: 'hello' });
  });

  test('createBackend + createEndpoint on instance 1 serve on instance 2 (class loaded from its module file)', async () => {
    const [one, two] = apps;
    await one.serve.createBackend('runtime', FleetRuntime, { numReplicas: 1 });
    await one.serve.createEndpoint('rt', { backend: 'runtime', route: '/runtime' });
    assert.equal((await version(two, '/runtime')).version, 'R');
    assert.equal(two.serve.listBackends().runtime?.status !== undefined, true);
  });

  test('an instance closed and started again serves the changed state from its first request', async () => {
    const two = apps.splice(1, 1)[0];
    await two.close();
    const again = await start('two-again');
    // No waiting: app.init() resolved only once the fleet's state was in effect.
    assert.deepEqual(await version(again), { version: 'A', greeting: 'hello' });
    assert.equal((await version(again, '/runtime')).version, 'R');
    assert.equal(again.serve.status().fleet!.revision, apps[0].serve.status().fleet!.revision);
  });

  test('two concurrent conflicting setTraffic from two instances: one resolves, the other rejects 409 naming the revision; the state is the winner', async () => {
    const [one, two] = apps;
    await waitFor('instance 1 hears instance 2', () => revisions(one).length === 2);
    const a = { FleetA: 0.25, FleetB: 0.75 };
    const b = { FleetA: 0.75, FleetB: 0.25 };
    const results = await Promise.allSettled([one.serve.setTraffic('fleet', a), two.serve.setTraffic('fleet', b)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1, JSON.stringify(results));
    assert.equal(lost.length, 1);
    assert.ok(isServeError(lost[0].reason));
    assert.equal(lost[0].reason.status, 409);
    assert.match(lost[0].reason.message, /setTraffic\('fleet'\) conflicts .* endpoint:fleet: .* at revision \d+/);
    const winner = results[0].status === 'fulfilled' ? a : b;
    await waitFor('both at the winner', () =>
      [one, two].every((app) => JSON.stringify(app.serve.listEndpoints().fleet.traffic) === JSON.stringify(winner)),
    );
  });

  test('concurrent changes to different entities from two instances both succeed (rebased, not refused)', async () => {
    const [one, two] = apps;
    await Promise.all([
      one.serve.setTraffic('fleet', { FleetA: 1, FleetB: 0 }),
      two.serve.shadowTraffic('rt', 'runtime', 0),
      two.serve.updateBackendConfig('runtime', { maxQueuedRequests: 77 }),
    ]);
    for (const app of [one, two]) {
      assert.deepEqual(app.serve.listEndpoints().fleet.traffic, { FleetA: 1, FleetB: 0 });
      assert.equal(app.serve.getBackendConfig('runtime').maxQueuedRequests, 77);
    }
  });

  test('a NATS restart (same store) then a change: every instance converges', async () => {
    const [one, two] = apps;
    await nats.stop();
    const restarted = Date.now();
    await nats.start();
    await waitFor(
      'heartbeats of both instances after the restart, seen by each',
      () =>
        [one, two].every(
          (app) => app.serve.status().fleet!.instances.filter((i) => i.live && i.lastSeen > restarted).length === 2,
        ),
      30_000,
    );
    await two.serve.setTraffic('fleet', { FleetA: 0, FleetB: 1 });
    assert.equal((await version(one)).version, 'B');
    const three = await start('three');
    assert.equal((await version(three)).version, 'B');
    await waitFor('every instance at one revision', () => new Set([one, two, three].flatMap(revisions)).size === 1);
  });

  test('with a NATS server without JetStream, an instance keeps its own state and says how to share it', async () => {
    const plain = await startNats();
    const app = await startServeApp({
      backends: [FleetA, FleetB],
      cluster: { servers: plain.url, prefix, fleet: { heartbeatPeriodMs: 250 } },
    });
    try {
      await waitFor(
        'the fleet mode',
        () => app.serve.status().fleet?.reason !== undefined && /-js/.test(app.serve.status().fleet!.reason!),
      );
      assert.equal(app.serve.status().fleet!.mode, 'local');
      await app.serve.setTraffic('fleet', { FleetA: 0, FleetB: 1 });
      assert.equal((await version(app)).version, 'B');
    } finally {
      await app.close();
      await plain.stop();
    }
  });
});
