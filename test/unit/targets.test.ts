import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Results } from '../../bench/lib/results';
import { evaluateTargets } from '../../bench/lib/targets';

test('a target over rounds shows the median of the per-round ratios and how far the rounds spread', () => {
  const r = new Results();
  [400, 300, 500].forEach((us, round) => r.add('B.noop.eluUs', round, us));
  [300, 270, 350].forEach((us, round) => r.add('C.noop.eluUs', round, us));
  r.add('C.noop.eluUs', 3, 999); // a round B did not finish: not paired
  const piscina = evaluateTargets(r).find((t) => t.target === "C.noop main-thread CPU/req ≤ 0.8 × B.noop's")!;
  assert.equal(piscina.value, 0.75);
  assert.deepEqual([Math.min(...piscina.rounds!), Math.max(...piscina.rounds!)], [0.7, 0.9]);
  assert.equal(piscina.pass, true);
  const unmeasured = evaluateTargets(r).find((t) => t.target === 'C ≥ 1.2 × B req/s')!;
  assert.equal(unmeasured.pass, undefined);
  assert.deepEqual(unmeasured.rounds, []);
});
