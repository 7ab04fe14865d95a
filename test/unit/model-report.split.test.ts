import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitModelReport } from '../../src/cluster/model-report.split';
import { heldOnly, type ModelReport } from '../../src/router/model.report';

const report: ModelReport = { held: ['a', 'b'], hits: 2, misses: 1, loads: 1, failures: 0, evictions: 1, loadMs: [30] };
const claim = (key: string, stopping = false) => ({ key, stopping });

/** Who got the counts, and that every other claim got the held list alone. */
function whole<C>(split: Map<C, ModelReport>): C[] {
  const got = [...split].filter(([, r]) => r === report).map(([c]) => c);
  for (const [c, r] of split) if (!got.includes(c)) assert.deepEqual(r, heldOnly(report.held));
  return got;
}

test('a sole claim gets the report whole', () => {
  const a = claim('A');
  assert.deepEqual([...splitModelReport(report, [a], [])], [[a, report]]);
});

test('the counts go to the owner of the oldest running call; every other claim hears the held list', () => {
  const [a, b, c] = [claim('A'), claim('B'), claim('C')];
  const split = splitModelReport(report, [a, b, c], [c, b, c]);
  assert.equal(split.size, 3);
  assert.deepEqual(whole(split), [c]);
});

test('no call running: the first claim not stopping; all stopping: the first', () => {
  const [a, b] = [claim('A', true), claim('B')];
  assert.deepEqual(whole(splitModelReport(report, [a, b], [])), [b]);
  assert.deepEqual(whole(splitModelReport(report, [a, b], [a])), [b], 'a stopping app’s call does not count');
  const c = claim('C', true);
  assert.deepEqual(whole(splitModelReport(report, [a, c], [c])), [a]);
});

test('a caller no longer among the claims is passed over; no claim, no one hears', () => {
  const [a, b, gone] = [claim('A'), claim('B'), claim('G')];
  assert.deepEqual(whole(splitModelReport(report, [a, b], [gone, b])), [b]);
  assert.equal(splitModelReport(report, [], [gone]).size, 0);
});
