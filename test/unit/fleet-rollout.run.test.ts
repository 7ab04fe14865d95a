import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { Logger } from '@nestjs/common';
import type { FleetRollout, FleetState } from '../../src/fleet/fleet.state';
import { FleetRolloutRun } from '../../src/module/fleet-rollout.run';
import { DEFAULT_ROLLOUT_OPTIONS } from '../../src/serve.constants';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
afterEach(() => mock.timers.reset());

/** Runs a fleet rollout of `canary` to B on a decider whose store is a variable; returns each write. */
async function writesOf(shadowFirstMs: number, shadowedBefore?: number) {
  const rollout: FleetRollout = {
    id: 'r1',
    backend: 'B',
    options: {
      ...DEFAULT_ROLLOUT_OPTIONS,
      steps: [0.5, 1],
      stepIntervalMs: 1000,
      minRequestsPerStep: 1,
      shadowFirstMs,
    },
    previous: { A: 1 },
    ...(shadowedBefore !== undefined ? { shadowedBefore } : {}),
    step: shadowFirstMs > 0 ? -1 : 0,
    stepStartedAt: 0,
    startedAt: Date.now(),
    done: [],
  };
  const shadows: Record<string, number> = shadowedBefore !== undefined ? { B: shadowedBefore } : {};
  let state: FleetState = {
    format: 1,
    backends: {},
    endpoints: { canary: { route: '/c', methods: ['GET'], traffic: { A: 1 }, shadows } },
    seeded: [],
    rollouts: { canary: rollout },
  };
  const writes: { what: string; traffic: Record<string, number>; shadows: Record<string, number> }[] = [];
  const host = {
    applied: () => ({ revision: writes.length + 1, state }),
    decide: async (change: { what: string; apply(s: FleetState): FleetState }) => {
      state = change.apply(state);
      writes.push({ what: change.what, ...structuredClone(state.endpoints.canary) });
    },
    isDecider: true,
    label: 'one (1)',
    reported: () => [],
  };
  const signals = { figures: () => ({ requests: 100, errors: 0, p99Ms: 5 }), trouble: () => undefined, stepped() {} };
  let over = false;
  const run = new FleetRolloutRun('canary', rollout, host, signals, new Logger('test'), () => (over = true));
  run.start();
  for (let i = 0; i < 100 && !over; i++) {
    mock.timers.tick(250);
    for (let j = 0; j < 10; j++) await new Promise(setImmediate);
  }
  assert.ok(over, 'the rollout ended');
  assert.equal(state.rollouts!.canary.result?.outcome, 'promoted');
  return writes.map(({ what, traffic, shadows }) => ({
    what: what.replace("rollout('canary') ", ''),
    traffic,
    shadows,
  }));
}

test('a fleet rollout writes the desired state once per step: the split and the shadow in one write', async () => {
  assert.deepEqual(await writesOf(0), [
    { what: 'step', traffic: { A: 0.5, B: 0.5 }, shadows: {} },
    { what: 'step', traffic: { A: 0, B: 1 }, shadows: {} },
    { what: 'step', traffic: { B: 1 }, shadows: {} },
    { what: 'end', traffic: { B: 1 }, shadows: {} },
  ]);
});

test('after a shadow phase the first step takes the shadow back (to the one before, if any) in its one write', async () => {
  assert.deepEqual(
    (await writesOf(1000)).map((w) => w.what),
    ['shadow', 'step', 'step', 'step', 'end'],
  );
  const writes = await writesOf(1000, 0.2);
  assert.deepEqual(
    writes.map((w) => w.shadows),
    [{ B: 1 }, { B: 0.2 }, { B: 0.2 }, { B: 0.2 }, { B: 0.2 }],
  );
  assert.deepEqual(writes[1].traffic, { A: 0.5, B: 0.5 });
});
