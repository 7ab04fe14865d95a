import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { AutoscalingDecisionStatus, ServeModuleOptions } from '../../src';
import { FleetScaled } from '../fixtures/fleet-autoscale.backend';
import { startNats, type TestNats } from '../helpers/processes';
import { startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';

// Autoscaling in a fleet: three Nest apps in this process over real HTTP, sharing one desired
// state in a real nats-server -js. Load reaches one instance only; the instance holding the
// decider lease (maybe another one) scales the backend on every instance from the fleet's load,
// and another instance takes over when it closes. Rerun alone with:
//   npm run build && node --test --test-concurrency=1 -r @swc-node/register test/e2e/fleet-autoscaling.test.ts

const BACKEND = 'FleetScaled';

/** Closed-loop requests to one app until stopped: `workers` always in flight. */
class Load {
  private running = true;
  readonly statuses: number[] = [];
  private readonly loops: Promise<void>[];
  constructor(app: ServeApp, workers: number) {
    this.loops = Array.from({ length: workers }, async () => {
      while (this.running) this.statuses.push((await app.http.get('/scaled?ms=150')).status);
    });
  }
  async stop(): Promise<number[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.statuses;
  }
}

describe('fleet: autoscaling is decided by one instance from the load of every instance', () => {
  const prefix = `a${randomBytes(4).toString('hex')}`;
  let nats: TestNats;
  const apps: ServeApp[] = [];
  const open = new Set<ServeApp>();
  const options = (name: string): ServeModuleOptions => ({
    backends: [FleetScaled],
    cluster: { servers: nats.url, prefix, name, fleet: { heartbeatPeriodMs: 250, applyTimeoutMs: 20_000 } },
  });
  const live = () => apps.filter((a) => open.has(a));
  const numReplicas = (app: ServeApp) => app.serve.getBackendConfig(BACKEND).numReplicas;
  const ready = (app: ServeApp) =>
    app.serve.listBackends()[BACKEND].replicas.filter((r) => r.state === 'ready' && r.host === 'local').length;
  const decider = (app: ServeApp) => app.serve.status().fleet!.decider;
  const self = (app: ServeApp) => {
    const me = app.serve.status().fleet!.instances.find((i) => i.self)!;
    return `${me.name} (${me.id})`;
  };
  const lastDecision = (app: ServeApp): AutoscalingDecisionStatus | undefined =>
    app.serve.status().backends[BACKEND].autoscaling?.lastDecision;
  /** Every open instance runs `n` (or, with `atLeast`, at least `n`) ready local replicas, as its config says. */
  const allRun = (n: number, atLeast = false) =>
    live().every((app) => {
      const wanted = numReplicas(app);
      return (atLeast ? wanted >= n : wanted === n) && ready(app) === wanted;
    });
  /** The decider once every open instance names the same one, itself open (a closed one may still be named a while). */
  const agreedDecider = async () => {
    const holder = () => live().find((app) => self(app) === decider(app));
    await waitFor(
      'every instance names the same open decider',
      () => new Set(live().map(decider)).size === 1 && holder() !== undefined,
      15_000,
    );
    return holder()!;
  };
  /** Every open instance runs `n` replicas, and shows the fleet's move to `n` as its last (once it finished applying it). */
  const settledAt = (n: number) =>
    waitFor(
      `${n} replica(s) on every instance, each showing the move to ${n}`,
      () => allRun(n) && live().every((app) => lastDecision(app)?.target === n),
      30_000,
    );

  before(async () => {
    nats = await startNats({ jetstream: true });
    for (const name of ['one', 'two', 'three']) {
      const app = await startServeApp(options(name));
      apps.push(app);
      open.add(app);
    }
    await waitFor('three live instances on each', () =>
      apps.every((app) => app.serve.status().fleet!.instances.filter((i) => i.live).length === 3),
    );
  });

  after(async () => {
    for (const app of live().reverse()) await app.close().catch(() => undefined);
    await nats?.stop();
  });

  test('load on one instance that is not the decider: the decider raises numReplicas on every instance, then lowers it when the load stops', async (t) => {
    const boss = await agreedDecider();
    const target = live().find((app) => app !== boss)!;
    assert.ok(allRun(1), 'one replica each before the load');
    const load = new Load(target, 8);
    await waitFor(
      'every instance runs 2 or more replicas, and shows that move',
      () => allRun(2, true) && live().every((app) => (lastDecision(app)?.target ?? 0) >= 2),
      30_000,
    );
    const up = lastDecision(target)!;
    t.diagnostic(`scaled up: ${JSON.stringify(up)}`);
    assert.equal(up.decidedBy, self(boss), 'the decider took the decision');
    assert.ok(up.target >= 2 && up.target > up.from!, JSON.stringify(up));
    assert.ok(up.fleetLoad && up.fleetLoad.instances === 3 && up.fleetLoad.sites === 3, JSON.stringify(up.fleetLoad));
    assert.ok(up.fleetLoad.ongoing >= 3, 'the load of the loaded instance counted, though the decider had none');
    for (const app of live()) assert.equal(lastDecision(app)?.decidedBy, self(boss), 'every instance shows the move');
    const statuses = await load.stop();
    assert.ok(statuses.length > 0 && statuses.every((s) => s === 200), `answers: ${[...new Set(statuses)].join(', ')}`);
    await settledAt(1);
    const down = lastDecision(target)!;
    assert.equal(down.decidedBy, self(boss));
    assert.equal(down.target, 1);
    assert.match(down.reason, /scale down/);
  });

  test('the decider closes: another instance takes over autoscaling and scales on the load it sees', async (t) => {
    const boss = await agreedDecider();
    const gone = self(boss);
    await boss.close();
    open.delete(boss);
    const next = await agreedDecider();
    assert.notEqual(self(next), gone);
    const target = live().find((app) => app !== next)!;
    const load = new Load(target, 6);
    await waitFor(
      'every remaining instance runs 2 or more replicas, and shows that move',
      () => allRun(2, true) && live().every((app) => (lastDecision(app)?.target ?? 0) >= 2),
      30_000,
    );
    const up = lastDecision(target)!;
    t.diagnostic(`scaled up by the next decider: ${JSON.stringify(up)}`);
    assert.equal(up.decidedBy, self(next));
    assert.equal(up.fleetLoad?.instances, 2, 'the closed instance is no longer counted');
    const statuses = await load.stop();
    assert.ok(statuses.every((s) => s === 200));
    await settledAt(1);
  });

  test('minReplicas 0: the fleet scales to zero when idle, and a request at a non-decider is answered (it raises the count at once)', async () => {
    const boss = await agreedDecider();
    const target = live().find((app) => app !== boss)!;
    await target.serve.updateBackendConfig(BACKEND, { autoscaling: { minReplicas: 0 } });
    await settledAt(0);
    const answers = await Promise.all([1, 2, 3].map(() => target.http.get('/scaled?ms=10')));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200],
    );
    const woken = lastDecision(target)!;
    assert.equal(woken.from, 0);
    assert.equal(woken.target, 1);
    assert.ok([self(target), self(boss)].includes(woken.decidedBy!), woken.decidedBy);
  });
});
