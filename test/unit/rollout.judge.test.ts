import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeStep, type RolloutChecks } from '../../src/router/rollout.judge';

const checks: RolloutChecks = { minRequestsPerStep: 100, maxErrorRate: 0.01, maxP99Ms: 500, maxLatencyRatio: 2 };
const healthy = { requests: 500, errors: 0, p99Ms: 20 };

test('a step waits for minRequestsPerStep requests: a quiet endpoint never promotes on no evidence', () => {
  assert.equal(judgeStep({ requests: 0, errors: 0, p99Ms: undefined }, healthy, checks).verdict, 'wait');
  assert.match(judgeStep({ requests: 40, errors: 0, p99Ms: 10 }, healthy, checks).reason, /40 of 100 requests/);
  assert.equal(judgeStep({ requests: 100, errors: 1, p99Ms: 10 }, healthy, checks).verdict, 'pass');
});

test('errors fail a step as soon as they exceed the budget of minRequestsPerStep, before the step has its evidence', () => {
  assert.equal(judgeStep({ requests: 10, errors: 1, p99Ms: 10 }, healthy, checks).verdict, 'wait');
  const verdict = judgeStep({ requests: 12, errors: 2, p99Ms: 10 }, healthy, checks);
  assert.equal(verdict.verdict, 'fail');
  assert.match(verdict.reason, /error rate 17 % over maxErrorRate 1\.0 % \(2 of 12 requests failed\)/);
  assert.equal(judgeStep({ requests: 300, errors: 4, p99Ms: 10 }, healthy, checks).verdict, 'fail');
  assert.equal(
    judgeStep({ requests: 1, errors: 1, p99Ms: 1 }, healthy, { ...checks, maxErrorRate: 0 }).verdict,
    'fail',
  );
});

test('a p99 over maxP99Ms fails', () => {
  const verdict = judgeStep({ requests: 200, errors: 0, p99Ms: 650 }, healthy, checks);
  assert.deepEqual(verdict, { verdict: 'fail', reason: 'p99 650 ms over maxP99Ms 500 ms' });
});

test('a p99 over maxLatencyRatio × the current backend p99 fails; a thin baseline is no yardstick', () => {
  const slow = { requests: 200, errors: 0, p99Ms: 61 };
  const verdict = judgeStep(slow, { requests: 400, errors: 0, p99Ms: 20 }, checks);
  assert.equal(verdict.verdict, 'fail');
  assert.match(verdict.reason, /3\.05 × the current backend's 20 ms, over maxLatencyRatio 2/);
  assert.equal(judgeStep(slow, { requests: 5, errors: 0, p99Ms: 20 }, checks).verdict, 'pass');
  assert.equal(judgeStep(slow, undefined, checks).verdict, 'pass');
});
