import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  budgetEnv,
  cpuOverrun,
  hostedCpuShares,
  localCpuShares,
  type BudgetedBackend,
} from '../../src/router/cpu.budget';
import { resolveAutoscalingConfig } from '../../src/router/autoscaling.policy';

const backend = (
  name: string,
  numReplicas: number,
  cpusPerReplica = 1,
  placement: BudgetedBackend['placement'] = 'local',
  maxReplicas?: number,
): BudgetedBackend => ({
  name,
  placement,
  config: {
    numReplicas,
    cpusPerReplica,
    autoscaling: maxReplicas === undefined ? undefined : resolveAutoscalingConfig({ minReplicas: 1, maxReplicas }),
  },
});

test('budgetEnv: a process replica gets its budget as OMP_NUM_THREADS and UV_THREADPOOL_SIZE', () => {
  assert.deepEqual(budgetEnv('process', 2, undefined), { OMP_NUM_THREADS: '2', UV_THREADPOOL_SIZE: '2' });
  assert.deepEqual(budgetEnv('process', 1, { MODEL: 'x' }), {
    OMP_NUM_THREADS: '1',
    UV_THREADPOOL_SIZE: '1',
    MODEL: 'x',
  });
});

test("budgetEnv: the backend's own env wins over the budget", () => {
  assert.deepEqual(budgetEnv('process', 2, { OMP_NUM_THREADS: '8' }), {
    OMP_NUM_THREADS: '8',
    UV_THREADPOOL_SIZE: '2',
  });
});

test('budgetEnv: a thread replica gets the backend env alone (one process environment)', () => {
  assert.equal(budgetEnv('thread', 4, undefined), undefined);
  assert.deepEqual(budgetEnv('thread', 4, { A: '1' }), { A: '1' });
});

test('localCpuShares: replicas × cpus per local backend; remote ones count nothing; autoscaled ones count maxReplicas', () => {
  const shares = localCpuShares([
    backend('a', 3),
    backend('b', 2, 2, 'both'),
    backend('r', 5, 4, 'remote'),
    backend('auto', 1, 1, 'local', 4),
  ]);
  assert.deepEqual(shares, [
    { backend: 'a', replicas: 3, cpusPerReplica: 1, cpus: 3 },
    { backend: 'b', replicas: 2, cpusPerReplica: 2, cpus: 4 },
    { backend: 'auto', replicas: 4, cpusPerReplica: 1, cpus: 4 },
  ]);
});

test('cpuOverrun: 3 replicas × 1 cpu exceed 2 cores; within the cores, nothing', () => {
  assert.deepEqual(cpuOverrun(localCpuShares([backend('a', 3)]), 2), {
    total: 3,
    cores: 2,
    shares: [{ backend: 'a', replicas: 3, cpusPerReplica: 1, cpus: 3 }],
  });
  assert.equal(cpuOverrun(localCpuShares([backend('a', 2)]), 2), undefined);
  assert.equal(cpuOverrun([], 2), undefined);
});

test('cpuOverrun: lists the shares largest first', () => {
  const overrun = cpuOverrun(localCpuShares([backend('small', 1), backend('big', 2, 2)]), 4);
  assert.deepEqual(
    overrun?.shares.map((s) => s.backend),
    ['big', 'small'],
  );
  assert.equal(overrun?.total, 5);
});

test('cpuOverrun: a change that keeps or lowers an overrun says nothing again; one that raises it does', () => {
  const shares = localCpuShares([backend('a', 3)]);
  assert.equal(cpuOverrun(shares, 2, 3), undefined);
  assert.equal(cpuOverrun(shares, 2, 4), undefined);
  assert.equal(cpuOverrun(shares, 2, 2)?.total, 3);
});

test("hostedCpuShares: a replica host's replicas, grouped by backend", () => {
  const shares = hostedCpuShares([
    { backend: 'embed', cpus: 2 },
    { backend: 'rank', cpus: 1 },
    { backend: 'embed', cpus: 2 },
  ]);
  assert.deepEqual(shares, [
    { backend: 'embed', replicas: 2, cpusPerReplica: 2, cpus: 4 },
    { backend: 'rank', replicas: 1, cpusPerReplica: 1, cpus: 1 },
  ]);
  assert.equal(cpuOverrun(shares, 4)?.total, 5);
});
