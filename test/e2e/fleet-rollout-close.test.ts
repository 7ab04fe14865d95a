import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { isServeError, type RolloutResult, type ServeModuleOptions } from '../../src';
import { FleetA, FleetB } from '../fixtures/fleet.backends';
import { startNats, type TestNats } from '../helpers/processes';
import { sleep, startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';

// An instance that closes while a fleet rollout it started runs: its rollout() promise settles
// (SHUT_DOWN, the rollout goes on elsewhere) instead of staying pending. Two Nest apps in this
// process, a real nats-server with -js. Rerun alone with:
//   npm run build && node --test --test-concurrency=1 -r @swc-node/register test/e2e/fleet-rollout-close.test.ts

describe('fleet: rollout() on an instance that closes', () => {
  const prefix = `c${randomBytes(4).toString('hex')}`;
  let nats: TestNats;
  const apps: ServeApp[] = [];
  const options = (name: string): ServeModuleOptions => ({
    backends: [FleetA, FleetB],
    cluster: { servers: nats.url, prefix, name, fleet: { heartbeatPeriodMs: 250, applyTimeoutMs: 20_000 } },
  });

  before(async () => {
    nats = await startNats({ jetstream: true });
    for (const name of ['one', 'two']) apps.push(await startServeApp(options(name)));
    await waitFor('two live instances agreeing on a decider', () =>
      apps.every(
        (a) => a.serve.status().fleet!.instances.filter((i) => i.live).length === 2 && a.serve.status().fleet!.decider,
      ),
    );
  });

  after(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await nats?.stop();
  });

  test('the decider that started it closes: its promise rejects SHUT_DOWN naming the endpoint; the rollout goes on on the other instance', async () => {
    const decider = apps.find((a) => {
      const fleet = a.serve.status().fleet!;
      return fleet.decider?.endsWith(`(${fleet.instance})`);
    });
    assert.ok(decider, 'one of the two instances holds the decider lease');
    const other = apps.find((a) => a !== decider)!;
    const steps = { steps: [0.1, 0.5, 1], stepIntervalMs: 60_000, minRequestsPerStep: 1 };
    const settled = decider.serve.rollout('fleet', 'FleetB', steps).then(
      (r: RolloutResult) => r,
      (e: unknown) => e,
    );
    await waitFor('the rollout runs', () => other.serve.status().endpoints.fleet?.rollout !== undefined);
    await decider.close();
    const outcome = await Promise.race([settled, sleep(3000).then(() => 'still pending 3 s after close')]);
    assert.ok(isServeError(outcome), `rejected with a ServeError, got ${String(outcome)}`);
    assert.equal(outcome.code, 'SHUT_DOWN');
    assert.match(outcome.message, /endpoint 'fleet' to backend 'FleetB'/);
    assert.match(outcome.message, /goes on on the fleet's other instances/);
    // The other instance carries it on (it is the decider now) and can end it.
    assert.ok(other.serve.status().endpoints.fleet?.rollout, 'the rollout is still in the shared state');
    const aborted = await other.serve.abortRollout('fleet').then(() => 'aborted');
    assert.equal(aborted, 'aborted');
    assert.equal(other.serve.listEndpoints().fleet.traffic.FleetB ?? 0, 0);
  });
});
