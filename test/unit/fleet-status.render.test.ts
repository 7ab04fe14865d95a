import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFleetStatus } from '../../src/cli/fleet-status.render';
import { twoBackends } from '../helpers/fleet.fixtures';

test('endpoints with traffic, backends with config, instances live or not, behind or not', () => {
  const state = twoBackends();
  state.endpoints.e.shadows = { b: 0.25 };
  const now = 100_000;
  const text = renderFleetStatus(
    {
      bucket: 'p-fleet',
      stored: { revision: 4, state },
      instances: [
        {
          id: 'i2',
          name: 'two',
          revision: 3,
          startedAt: 0,
          lastSeen: now - 60_000,
          error: { revision: 3, message: 'boom' },
        },
        { id: 'i1', name: 'one', revision: 4, startedAt: 0, lastSeen: now - 500 },
      ],
    },
    now,
    3000,
  );
  assert.match(text, /^Fleet desired state: revision 4 \(JetStream bucket 'p-fleet'\)/);
  assert.match(text, /e {2}\/e {2}GET\n {4}traffic {2}a 100%, b 0%\n {4}shadows {2}b 25%/);
  assert.match(text, /a {2}export Echo of \/app\/dist\/echo\.backend\.js \(sha256:aaaa\), thread replicas, local/);
  assert.match(text, /numReplicas 1, maxConcurrentQueries 100/);
  assert.match(text, /userConfig none, autoscaling off/);
  assert.match(
    text,
    /Instances \(1 live, 2 heard of\)\n {2}one \(i1\) {2}revision 4 {2}live, last seen 0\.5 s ago\n {2}two \(i2\) {2}revision 3, behind {2}not heard from lately/,
  );
  assert.match(text, /could not apply revision 3: boom/);
  assert.match(
    renderFleetStatus({ bucket: 'p-fleet', instances: [] }, now, 3000),
    /No desired state in JetStream bucket 'p-fleet' yet/,
  );
});

test("a rollout in progress or ended, and the fleet's last autoscaling move, are shown", () => {
  const state = twoBackends();
  const now = 100_000;
  const step = { weight: 0.2, shadow: false, startedAt: 0, endedAt: 1, verdict: 'pass' as const, reason: 'ok' };
  const options = { steps: [0.2, 0.5, 1] } as never;
  state.rollouts = {
    e: {
      id: 'r1',
      backend: 'b',
      options,
      previous: { a: 1 },
      step: 1,
      stepStartedAt: 1,
      startedAt: 0,
      done: [step],
      decider: 'one (i1)',
    },
  };
  state.autoscaling = {
    a: {
      from: 1,
      target: 3,
      at: now - 4000,
      reason: 'ongoing 8 / target 1 (scale up)',
      decidedBy: 'one (i1)',
      fleetLoad: { ongoing: 8, sites: 3, perSite: 2.7, instances: 3 },
    },
  };
  const text = renderFleetStatus({ bucket: 'p-fleet', stored: { revision: 9, state }, instances: [] }, now, 3000);
  assert.match(text, /rollout {2}of b in progress, step 2 of 3, steps judged: 20%, run by one \(i1\)/);
  assert.match(
    text,
    /last autoscaling move {2}1 → 3 4 s ago by one \(i1\), fleet load 8 over 3 sites: ongoing 8 \/ target 1 \(scale up\)/,
  );
  state.rollouts!.e.result = { outcome: 'rolled-back', reason: 'p99 too high', steps: [step] };
  assert.match(
    renderFleetStatus({ bucket: 'p-fleet', stored: { revision: 10, state }, instances: [] }, now, 3000),
    /rollout {2}of b rolled back: p99 too high/,
  );
});
