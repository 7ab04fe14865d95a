import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect } from '@nats-io/transport-node';
import type { ReplicaHost } from '../../src';
import { pack, unpack } from '../../src/cluster/cluster.codec';
import { CLUSTER_PROTOCOL, type ControlReply } from '../../src/cluster/cluster.protocol';
import { SharedBackend } from '../fixtures/shared.backend';
import { startNats, startProcess, type TestNats } from '../helpers/processes';
import { startReplicaHost } from '../helpers/replica-host';
import { startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';

// Three instances of one app (a fleet: same NATS server with JetStream, same cluster.prefix) and
// one replica host, all in this process; a real nats-server. Rerun alone with:
//   npm run build && node --test --test-concurrency=1 -r @swc-node/register test/e2e/shared-replicas.test.ts

type Answer = { replica: string; most: number };

describe('shared replicas: instances of one app share a replica host’s replicas', () => {
  const prefix = `s${randomBytes(4).toString('hex')}`;
  let nats: TestNats;
  let host: ReplicaHost;
  const apps: ServeApp[] = [];
  const readyOn = (app: ServeApp) =>
    app.serve.listBackends().SharedBackend?.replicas.filter((r) => r.state === 'ready' && r.host === 'shared-host')
      .length ?? 0;
  const shared = () => host.sharedReplicas.filter((r) => r.backend === 'SharedBackend');
  const sum = (key: 'calls' | 'refused') => shared().reduce((n, r) => n + r[key], 0);

  /** `total` requests through `app`, `concurrency` at a time; every one must answer 200. */
  const load = async (app: ServeApp, total: number, concurrency: number) => {
    const answers: Answer[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        sent++;
        const res = await app.http.get('/shared?ms=25');
        assert.equal(res.status, 200, `${res.status} ${JSON.stringify(res.body)}`);
        answers.push(res.body as Answer);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return answers;
  };

  before(async () => {
    nats = await startNats({ jetstream: true });
    host = await startReplicaHost({
      servers: nats.url,
      prefix,
      name: 'shared-host',
      modules: [join(__dirname, '..', 'fixtures', 'shared.backend.ts')],
    });
    for (const name of ['one', 'two', 'three']) {
      apps.push(
        await startServeApp({
          backends: [SharedBackend],
          cluster: { servers: nats.url, prefix, name, fleet: { heartbeatPeriodMs: 250, applyTimeoutMs: 20_000 } },
        }),
      );
    }
  });

  after(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await host?.stop();
    await nats?.stop();
  });

  test('3 instances × numReplicas 2 = 2 replicas on the replica host, each used by all 3', async () => {
    await waitFor('2 ready remote replicas on every instance', () => apps.every((a) => readyOn(a) === 2), 20_000);
    await waitFor('every instance attached to both replicas', () => shared().every((r) => r.apps === 3), 10_000);
    assert.equal(shared().length, 2);
    assert.deepEqual(
      shared().map((r) => r.maxConcurrentQueries),
      [2, 2],
    );
  });

  test('under load from all 3, no replica runs more than maxConcurrentQueries; each request runs once', async (t) => {
    const callsBefore = sum('calls');
    const perApp = 40;
    // 3 routers × 6 concurrent, each seeing 2 replicas × 2 = 4 slots of its own: 12 sent for 4 real slots.
    const answers = (await Promise.all(apps.map((app) => load(app, perApp, 6)))).flat();
    assert.equal(answers.length, 3 * perApp);
    const most = Math.max(...answers.map((a) => a.most));
    const refusedByHost = sum('refused');
    const refusedByRouters = apps.reduce((n, a) => n + a.serve.listBackends().SharedBackend.refused, 0);
    t.diagnostic(
      `${answers.length} requests; most running at once in a replica ${most}; refused ${refusedByHost} times (routers counted ${refusedByRouters}); replicas ${JSON.stringify(shared())}`,
    );
    assert.ok(most <= 2, `a replica ran ${most} calls at once`);
    assert.ok(
      shared().every((r) => r.maxInFlight <= 2),
      'the replica host admitted at most 2 per replica',
    );
    assert.equal(sum('calls') - callsBefore, 3 * perApp, 'each request ran exactly once');
    assert.ok(refusedByHost > 0, 'three routers over 4 slots: some calls were refused');
    assert.equal(refusedByRouters, refusedByHost, 'every refusal went back to its router');
    const inStatus = apps.reduce((n, a) => n + a.serve.status().backends.SharedBackend.figures.refused, 0);
    assert.equal(inStatus, refusedByHost, 'status() counts them too');
    assert.equal(new Set(answers.map((a) => a.replica)).size, 2, 'both shared replicas served');
  });

  test('numReplicas changed through the fleet: the host follows the instances’ claims', async () => {
    await apps[0].serve.updateBackendConfig('SharedBackend', { numReplicas: 3 });
    await waitFor(
      '3 shared replicas, each used by all 3',
      () => shared().length === 3 && shared().every((r) => r.apps === 3),
      20_000,
    );
    await apps[1].serve.updateBackendConfig('SharedBackend', { numReplicas: 2 });
    await waitFor(
      'back to 2 shared replicas',
      () => shared().length === 2 && shared().every((r) => r.apps === 3),
      20_000,
    );
  });

  test('cluster protocol: apps ignore a replica host of another version, a replica host refuses an app of another', async () => {
    const nc = await connect({ servers: nats.url });
    try {
      const heard: string[] = [];
      nc.subscribe(`${prefix}.agent.old-host.>`, { callback: (_err, msg) => void heard.push(msg.subject) });
      // A replica host of protocol 1 announces it serves the backend (no `protocol` field).
      const hello = {
        type: 'hello',
        agent: 'old-host',
        instance: 'i1',
        name: 'old-host',
        names: ['SharedBackend'],
        classes: ['SharedBackend'],
      };
      nc.publish(`${prefix}.agents`, pack(hello));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.deepEqual(heard, [], 'no ping, no start: the apps did not take it');
      assert.ok(apps.every((a) => !a.serve.listBackends().SharedBackend.hosts.includes('old-host')));

      const init = {
        replicaId: 'SharedBackend#9',
        backend: 'SharedBackend',
        className: 'SharedBackend',
        exportName: 'SharedBackend',
      };
      const start = { op: 'start', app: 'oldapp', key: 'oldapp-1', kind: 'thread', init };
      const reply = unpack<ControlReply>(
        (await nc.request(`${prefix}.agent.${host.id}.ctl`, pack(start), { timeout: 5000 })).data,
      );
      assert.equal(reply.ok, false);
      assert.match(
        !reply.ok ? reply.error : '',
        new RegExp(
          `Replica host shared-host speaks cluster protocol ${CLUSTER_PROTOCOL}, the app asking for a replica 1: refused\\. Run the same nestjs-serve version`,
        ),
      );
      assert.equal(shared().length, 2);
    } finally {
      await nc.close();
    }
  });

  test('an instance SIGKILLed releases its claims after its lease; the replicas keep serving the others', async () => {
    const child = startProcess(process.execPath, ['-r', '@swc-node/register', 'test/fixtures/shared-app.ts'], {
      NATS_URL: nats.url,
      SERVE_PREFIX: prefix,
    });
    try {
      const { port } = JSON.parse(await child.waitForLine(/^\{"port":\d+\}/, 30_000)) as { port: number };
      await waitFor('4 instances on each replica', () => shared().every((r) => r.apps === 4), 20_000);
      const res = await fetch(`http://127.0.0.1:${port}/shared?ms=1`);
      assert.equal(res.status, 200);
      assert.equal(shared().length, 2, 'the 4th instance added no replica');
    } finally {
      await child.kill('SIGKILL');
    }
    const during = Promise.all(apps.map((app) => load(app, 10, 3)));
    // Lease: 3 × heartbeatTimeoutMs (1 s by default) without pings.
    await waitFor('the dead instance’s claims released', () => shared().every((r) => r.apps === 3), 15_000);
    assert.equal((await during).flat().length, 30);
    assert.equal(shared().length, 2);
  });

  test('an instance that leaves does not stop the shared replicas; the last one leaving does', async () => {
    const [first, ...others] = apps.splice(0, 3);
    await first.close();
    await waitFor('2 instances left on each replica', () => shared().every((r) => r.apps === 2), 10_000);
    assert.equal(shared().length, 2);
    for (const app of others) assert.equal((await load(app, 10, 4)).length, 10);
    for (const app of others) await app.close();
    await waitFor('the shared replicas stopped', () => shared().length === 0, 10_000);
  });
});
