import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startInstance, type FleetInstanceChild } from '../../bench/fleet/fleet.instances';
import { LoadLoop } from '../../bench/fleet/load.loop';
import type { InstanceState } from '../../bench/fleet/fleet.server';
import { startNats, type TestNats } from '../helpers/processes';
import { waitFor } from '../helpers/serve-app';

// Autoscaling in a fleet of three app instances (child processes) on a real nats-server -js when
// the decider dies without a word (SIGKILL): another instance takes the lease and scales the
// backend from the load of the instances left. Rerun alone with:
//   npm run build && node --test --test-concurrency=1 -r @swc-node/register test/e2e/fleet-autoscaling-kill.test.ts

describe('fleet autoscaling: the decider SIGKILLed, another instance scales', () => {
  let nats: TestNats;
  const env = { FLEET_SERVERS: '', FLEET_PREFIX: `k${randomBytes(4).toString('hex')}` };
  const instances: FleetInstanceChild[] = [];
  let load: LoadLoop | undefined;
  const state = (i: FleetInstanceChild) => i.command<InstanceState>('state');

  before(async () => {
    nats = await startNats({ jetstream: true });
    env.FLEET_SERVERS = nats.url;
    for (const name of ['one', 'two', 'three']) instances.push(await startInstance(name, env));
    await waitFor('three live instances that name one decider', async () => {
      const states = await Promise.all(instances.map(state));
      return states.every((s) => s.live === 3 && s.decider !== undefined && s.decider === states[0].decider);
    });
  });

  after(async () => {
    await load?.stop();
    await Promise.all(instances.map((i) => i.stop().catch(() => i.kill())));
    await nats?.stop();
  });

  test('load on one instance after the decider was SIGKILLed: the new decider raises numReplicas on every live instance', async () => {
    const states = await Promise.all(instances.map(state));
    const decider = instances[states.findIndex((s) => s.self === s.decider)];
    const killed = states.find((s) => s.self === s.decider)!.self;
    const left = instances.filter((i) => i !== decider);
    await left[0].command('config', {
      backend: 'FleetOne',
      config: {
        autoscaling: {
          minReplicas: 1,
          maxReplicas: 3,
          targetOngoingRequests: 1,
          upscaleDelayMs: 300,
          downscaleDelayMs: 600_000,
        },
      },
    });
    decider.kill();
    // 6 requests of 300 ms always in flight on one instance, none on the other: over 2 sites, 3 each.
    load = new LoadLoop(left[1].port, 6, '/fleet?sleepMs=300');
    let successor = '';
    await waitFor(
      'a new decider that scaled FleetOne up on both instances left',
      async () => {
        const now = await Promise.all(left.map(state));
        successor = now[0].decider ?? '';
        return now.every(
          (s) =>
            s.decider !== undefined &&
            s.decider !== killed &&
            s.one.replicas >= 2 &&
            s.one.lastScale?.decidedBy === s.decider &&
            (s.one.lastScale?.target ?? 0) >= 2,
        );
      },
      60_000,
    );
    const after = await state(left[0]);
    assert.notEqual(successor, killed, 'the lease moved');
    assert.equal(after.live, 2, 'the killed instance is no longer live');
    assert.ok(after.one.lastScale!.fleetLoad!.instances <= 2, 'decided from the instances left');
    assert.equal(load.failed, 0, 'no request of the loaded instance failed');
  });
});
