import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { RolloutCoordinator } from '../../src/rollout/rollout.coordinator';
import type { RolloutMove } from '../../src/rollout/rollout.wiring';
import { resolveRolloutOptions } from '../../src/rollout/rollout.options';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
afterEach(() => mock.timers.reset());

type Split = { traffic: Record<string, number>; shadows: Record<string, number> };

/** A rollout of this instance to `candidate` on an endpoint table of one endpoint, `canary`; records each put and step told. */
function rollout(before: Split, candidate = 'B') {
  let canary: Split | undefined = structuredClone(before);
  const puts: Split[] = [];
  const told: (RolloutMove & { text: string })[] = [];
  const coordinator = new RolloutCoordinator(
    {
      get: () => canary && structuredClone(canary),
      put: (_, traffic, shadows) => void puts.push((canary = structuredClone({ traffic, shadows }))),
    },
    {
      figures: () => ({ requests: 100, errors: 0, p99Ms: 5 }),
      trouble: () => undefined,
      stepped: (_endpoint, _backend, text, move) => void told.push({ text, ...move }),
    },
  );
  const options = { steps: [0.5, 1], stepIntervalMs: 1000, minRequestsPerStep: 1, shadowFirstMs: 1000 };
  const result = coordinator.start('canary', candidate, resolveRolloutOptions('canary', options));
  return { coordinator, result, puts, told, drop: () => (canary = undefined) };
}

async function settle<T>(result: Promise<T>): Promise<T> {
  let done = false;
  void result.then(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) {
    mock.timers.tick(250);
    for (let j = 0; j < 5; j++) await new Promise(setImmediate);
  }
  return result;
}

test("a rollout of this instance puts the candidate's shadow from before back, and tells each step and its end", async () => {
  const r = rollout({ traffic: { A: 1 }, shadows: { B: 0.2 } });
  assert.equal((await settle(r.result)).outcome, 'promoted');
  assert.deepEqual(r.puts, [
    { traffic: { A: 1 }, shadows: { B: 1 } },
    { traffic: { A: 0.5, B: 0.5 }, shadows: { B: 0.2 } },
    { traffic: { A: 0, B: 1 }, shadows: { B: 0.2 } },
    { traffic: { B: 1 }, shadows: { B: 0.2 } },
  ]);
  assert.deepEqual(
    r.told.map((t) => [t.weight, t.outcome]),
    [
      [0, 'step'],
      [0.5, 'step'],
      [1, 'step'],
      [1, 'promoted'],
    ],
  );
  assert.match(r.told[3].text, /promoted, all traffic on 'B'/);
});

test('an endpoint deleted during its rollout ends it, rolled back with that reason', async () => {
  const r = rollout({ traffic: { A: 1 }, shadows: {} });
  r.drop();
  const result = await settle(r.result);
  assert.deepEqual(result.outcome === 'rolled-back' && result.reason, "endpoint 'canary' was deleted");
  assert.deepEqual(r.puts, [{ traffic: { A: 1 }, shadows: { B: 1 } }], 'the shadow phase began before; nothing since');
  assert.deepEqual(
    r.told.map((t) => [t.weight, t.outcome]),
    [
      [0, 'step'],
      [0, 'rolled-back'],
    ],
  );
});

test('an aborted rollout goes back in one write: the split from before and the shadow from before', async () => {
  const r = rollout({ traffic: { A: 1 }, shadows: { B: 0.2 } });
  mock.timers.tick(1250);
  await new Promise(setImmediate);
  r.coordinator.abort('canary', 'stop');
  const result = await settle(r.result);
  assert.equal(result.outcome, 'rolled-back');
  assert.deepEqual(r.puts.at(-1), { traffic: { A: 1 }, shadows: { B: 0.2 } });
  assert.equal(r.told.at(-1)?.outcome, 'rolled-back');
});

test("a candidate named like an Object member ('constructor') with no shadow before leaves none behind", async () => {
  const r = rollout({ traffic: { A: 1 }, shadows: {} }, 'constructor');
  assert.equal((await settle(r.result)).outcome, 'promoted');
  assert.deepEqual(r.puts.at(-1), { traffic: { constructor: 1 }, shadows: {} });
});
