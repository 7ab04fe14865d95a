import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Logger } from '@nestjs/common';
import { FleetRollouts } from '../../src/module/fleet.rollouts';
import { DEFAULT_ROLLOUT_OPTIONS } from '../../src/serve.constants';
import type { FleetState } from '../../src/fleet/fleet.state';
import type { ServeError } from '../../src/serve.errors';

test('an instance reports each backend of a running rollout once, the candidate in the split before included', () => {
  const state: FleetState = {
    format: 1,
    backends: {},
    endpoints: {},
    seeded: [],
    rollouts: {
      canary: {
        id: 'r1',
        backend: 'B',
        options: { ...DEFAULT_ROLLOUT_OPTIONS, steps: [...DEFAULT_ROLLOUT_OPTIONS.steps] },
        previous: { A: 1, B: 0 },
        step: 0,
        stepStartedAt: Date.now() - 1000,
        startedAt: Date.now() - 1000,
        done: [],
      },
    },
  };
  const rollouts = new FleetRollouts(
    {
      applied: () => ({ revision: 3, state }),
      decide: async () => undefined,
      isDecider: false,
      label: 'one (1)',
      reported: () => [],
    },
    { figures: () => ({ requests: 5, errors: 0, p99Ms: 2 }), trouble: () => undefined, stepped: () => undefined },
    new Logger('test'),
  );
  assert.deepEqual(
    rollouts.figures().map((f) => `${f.endpoint}/${f.backend}`),
    ['canary/B', 'canary/A'],
  );
});

test('a rollout started and aborted on the same instance answers both callers', async () => {
  let stored: FleetState = { format: 1, backends: {}, endpoints: {}, seeded: [] };
  stored.endpoints.canary = { route: '/c', methods: ['GET'], traffic: { A: 1, B: 0 }, shadows: {} } as never;
  const rollouts = new FleetRollouts(
    {
      applied: () => ({ revision: 1, state: stored }),
      decide: async (change) => void (stored = change.apply(stored)),
      isDecider: false,
      label: 'one (1)',
      reported: () => [],
    },
    { figures: () => ({ requests: 0, errors: 0, p99Ms: 0 }), trouble: () => undefined, stepped: () => undefined },
    new Logger('test'),
  );
  const options = { ...DEFAULT_ROLLOUT_OPTIONS, steps: [...DEFAULT_ROLLOUT_OPTIONS.steps] };
  const started = rollouts.start('canary', 'B', options, { A: 1, B: 0 }, {});
  stored = started.change.apply(stored);
  rollouts.sync();
  const aborted = rollouts.abort('canary', 'stop it');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stored.rollouts!.canary.abort, 'stop it');
  // The decider rolls it back: its result lands in the state every instance applies.
  stored.rollouts!.canary.result = { outcome: 'rolled-back', reason: 'stop it', steps: [] };
  rollouts.sync();
  const results = await Promise.all([started.result, aborted]);
  assert.deepEqual(
    results.map((r) => r.outcome),
    ['rolled-back', 'rolled-back'],
  );
});

test('closing the instance settles every result it waits for: the known one resolves, the running ones reject SHUT_DOWN', async () => {
  let stored: FleetState = { format: 1, backends: {}, endpoints: {}, seeded: [] };
  for (const name of ['done', 'running', 'aborting'])
    stored.endpoints[name] = { route: `/${name}`, methods: ['GET'], traffic: { A: 1, B: 0 }, shadows: {} } as never;
  let decider = false;
  const rollouts = new FleetRollouts(
    {
      applied: () => ({ revision: 1, state: stored }),
      decide: async (change) => void (stored = change.apply(stored)),
      get isDecider() {
        return decider;
      },
      label: 'one (1)',
      reported: () => [],
    },
    { figures: () => ({ requests: 0, errors: 0, p99Ms: 0 }), trouble: () => undefined, stepped: () => undefined },
    new Logger('test'),
  );
  const options = { ...DEFAULT_ROLLOUT_OPTIONS, steps: [...DEFAULT_ROLLOUT_OPTIONS.steps] };
  const started = ['done', 'running', 'aborting'].map((endpoint) => {
    const s = rollouts.start(endpoint, 'B', options, { A: 1, B: 0 }, {});
    stored = s.change.apply(stored);
    return s.result.then(
      (r) => r.outcome,
      (e: ServeError) => `${e.code}: ${e.message}`,
    );
  });
  rollouts.sync();
  const aborted = rollouts.abort('aborting').then(
    (r) => r.outcome,
    (e: ServeError) => e.code,
  );
  await new Promise((resolve) => setImmediate(resolve));
  // The decider ended one since, in a state this instance has not followed yet.
  stored.rollouts!.done.result = { outcome: 'promoted', steps: [] };
  rollouts.close();
  const results = await Promise.all([...started, aborted]);
  assert.equal(results[0], 'promoted');
  assert.match(results[1], /^SHUT_DOWN: .*endpoint 'running' to backend 'B'.*goes on on the fleet's other instances/);
  assert.match(results[1], /status\(\).*abortRollout\('running'\)/);
  assert.match(results[2], /^SHUT_DOWN: .*endpoint 'aborting'/);
  assert.equal(results[3], 'SHUT_DOWN');
  // Closed, it runs nothing even if it still holds the lease for a moment.
  decider = true;
  rollouts.sync();
  assert.equal(rollouts.of('running')?.decider, undefined);
  await assert.rejects(rollouts.abort('running'), { code: 'SHUT_DOWN' });
});
