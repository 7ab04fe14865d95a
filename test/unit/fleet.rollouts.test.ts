import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Logger } from '@nestjs/common';
import { FleetRollouts } from '../../src/module/fleet.rollouts';
import { DEFAULT_ROLLOUT_OPTIONS } from '../../src/serve.constants';
import type { FleetState } from '../../src/fleet/fleet.state';

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
