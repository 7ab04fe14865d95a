import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { RolloutOptions, RolloutResult } from '../../src';
import { startInstance, type FleetInstanceChild } from '../../bench/fleet/fleet.instances';
import { LoadLoop } from '../../bench/fleet/load.loop';
import type { InstanceState } from '../../bench/fleet/fleet.server';
import { startNats, type TestNats } from '../helpers/processes';
import { waitFor } from '../helpers/serve-app';

// A guarded rollout in a fleet of three app instances (child processes, each with its own thread
// replicas) sharing one desired state in a real nats-server -js: it runs on the instance holding
// the decider lease, from figures of every instance, and carries on when that instance is
// SIGKILLed. Rerun alone with:
//   npm run build && node --test --test-concurrency=1 -r @swc-node/register test/e2e/fleet-rollout.test.ts

type State = InstanceState;

// Judged on errors only: this test is about who runs the rollout, not the latency check (busy CI machines).
const checks: RolloutOptions = {
  maxLatencyRatio: 50,
  maxP99Ms: 5000,
  steps: [0.2, 0.5, 1],
  stepIntervalMs: 1500,
  minRequestsPerStep: 5,
  maxWaitIntervals: 20,
};

describe('fleet: one decider runs the rollouts, and another carries them on when it dies', () => {
  let nats: TestNats;
  const env = { FLEET_SERVERS: '', FLEET_PREFIX: `r${randomBytes(4).toString('hex')}` };
  const instances: FleetInstanceChild[] = [];
  const loads: LoadLoop[] = [];
  const state = (i: FleetInstanceChild) => i.command<State>('state');
  const reset = (i: FleetInstanceChild) => i.command('traffic', { weights: { FleetOne: 1, FleetTwo: 0 } });
  /** The live instances split into the decider and the others, once all agree on who decides. */
  const roles = async (among: FleetInstanceChild[]) => {
    let decider: FleetInstanceChild | undefined;
    await waitFor('every instance names the same decider', async () => {
      const states = await Promise.all(among.map(state));
      const named = new Set(states.map((s) => s.decider));
      if (named.size !== 1 || !states[0].decider) return false;
      decider = among[states.findIndex((s) => s.self === s.decider)];
      return decider !== undefined;
    });
    return { decider: decider!, others: among.filter((i) => i !== decider) };
  };

  before(async () => {
    nats = await startNats({ jetstream: true });
    env.FLEET_SERVERS = nats.url;
    for (const name of ['one', 'two', 'three']) instances.push(await startInstance(name, env));
    for (const i of instances) loads.push(new LoadLoop(i.port, 2));
    await waitFor('three live instances', async () =>
      (await Promise.all(instances.map(state))).every((s) => s.live === 3),
    );
  });

  after(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await Promise.all(instances.map((i) => i.stop().catch(() => i.kill())));
    await nats?.stop();
  });

  test('a rollout started on a non-decider runs on the decider; other traffic changes are refused meanwhile; abort from a third instance rolls it back', async () => {
    const { decider, others } = await roles(instances);
    const [starter, aborter] = others;
    const running = starter.command<{ result: RolloutResult }>(
      'rollout',
      { backend: 'FleetTwo', options: { ...checks, stepIntervalMs: 60_000 } },
      120_000,
    );
    await waitFor('the rollout shows on every instance, run by the decider', async () =>
      (await Promise.all(instances.map(state))).every(
        (s) => s.rollout?.backend === 'FleetTwo' && s.rollout.decider === (s.decider ?? '?'),
      ),
    );
    assert.equal((await state(starter)).rollout?.decider, (await state(decider)).self);
    await assert.rejects(
      aborter.command('traffic', { weights: { FleetOne: 0, FleetTwo: 1 } }),
      /is being rolled out to backend 'FleetTwo'/,
    );
    await aborter.command('abort');
    const { result } = await running;
    assert.equal(result.outcome, 'rolled-back');
    assert.equal(result.outcome === 'rolled-back' && result.reason, 'aborted');
    for (const i of instances) assert.deepEqual((await state(i)).traffic, { FleetOne: 1, FleetTwo: 0 });
  });

  test('SIGKILL of the decider mid-rollout: another instance carries it on within 5 s from its step, and it is promoted', async (t) => {
    const { decider, others } = await roles(instances);
    const [starter] = others;
    const running = starter.command<{ result: RolloutResult }>(
      'rollout',
      { backend: 'FleetTwo', options: checks },
      120_000,
    );
    await waitFor(
      'the rollout at its second step',
      async () => ((await state(starter)).rollout?.step ?? 0) >= 1,
      30_000,
    );
    const killedAt = Date.now();
    const at = (await state(starter)).rollout!;
    await loads[instances.indexOf(decider)].stop();
    decider.kill();
    await waitFor(
      'another instance runs the rollout',
      async () => {
        const s = await state(starter);
        return s.rollout !== undefined && s.rollout.decider !== at.decider && s.decider !== at.decider;
      },
      10_000,
    );
    const handedOver = Date.now() - killedAt;
    const { result } = await running;
    t.diagnostic(
      `killed at step ${at.step + 1}; carried on by another instance ${handedOver} ms later; ${result.outcome}; steps ${JSON.stringify(result.steps.map((s) => s.weight))}`,
    );
    assert.ok(handedOver <= 5000, `handed over after ${handedOver} ms`);
    assert.equal(result.outcome, 'promoted', JSON.stringify(result));
    assert.deepEqual(
      result.steps.map((s) => s.weight),
      [0.2, 0.5, 1],
      'each step judged once: not restarted from step 0',
    );
    for (const i of others) assert.deepEqual((await state(i)).traffic, { FleetTwo: 1 });
    const alive = loads.filter((_, k) => instances[k] !== decider);
    assert.equal(
      alive.reduce((n, l) => n + l.failed, 0),
      0,
      'no request failed on the live instances',
    );
    await reset(starter);
  });
});
