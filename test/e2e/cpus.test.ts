import assert from 'node:assert/strict';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { after, before, describe, mock, test } from 'node:test';
import { replicaContext, type ReplicaHost } from '../../src';
import { CpuLight, CpuProcess, CpuProcessEnv, CpuRemote, CpuThread, CpuTrio } from '../fixtures/cpus.backends';
import { sharedNats } from '../helpers/processes';
import { RecordingLogger } from '../helpers/recording-logger';
import { startReplicaHost } from '../helpers/replica-host';
import { startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';

/** The Logger's lines, and those of them that warn of a CPU overrun. */
class BudgetLogger extends RecordingLogger {
  overruns = () => this.lines.filter((l) => l.includes("The local replicas' CPU budgets add up to"));
}

describe('cpusPerReplica: what replicas read (thread, process, replica host)', () => {
  const prefix = `c${randomBytes(4).toString('hex')}`;
  const logs = new BudgetLogger();
  let nats: { url: string; stop(): Promise<void> };
  let s: ServeApp;
  let host: ReplicaHost;

  const hostLog: string[] = [];

  before(async () => {
    // One core here, so that the replica host's own check has something to say (its replica needs 2).
    mock.method(os, 'availableParallelism', () => 1);
    nats = await sharedNats();
    s = await startServeApp(
      { backends: [CpuProcess, CpuProcessEnv, CpuThread, CpuRemote], cluster: { servers: nats.url, prefix } },
      { configure: (app) => app.useLogger(logs) },
    );
    host = await startReplicaHost({
      servers: nats.url,
      prefix,
      modules: ['test/fixtures/cpus.backends.ts'],
      backends: ['CpuRemote'],
      name: 'cpu-host',
      log: (level, message) => void hostLog.push(`${level} ${message}`),
    });
    await waitFor('the remote replica', () => s.serve.listBackends()['cpu-remote'].status === 'running', 30_000);
  });

  after(async () => {
    mock.restoreAll();
    await host?.stop();
    await s?.close();
    await nats?.stop();
  });

  test('a process replica gets its budget as OMP_NUM_THREADS and UV_THREADPOOL_SIZE, and in its context', async () => {
    const { body } = await s.http.get('/cpus/process').expect(200);
    assert.equal(body.omp, '2');
    assert.equal(body.uv, '2');
    assert.deepEqual(body.context, { backend: 'cpu-process', replica: 'cpu-process#1', kind: 'process', cpus: 2 });
    assert.equal(body.atConstruction, 2, 'the constructor already sees it');
  });

  test("the backend's own env wins over the budget; the other variable still follows it", async () => {
    const { body } = await s.http.get('/cpus/process-env').expect(200);
    assert.equal(body.omp, '5');
    assert.equal(body.uv, '3');
    assert.equal(body.context.cpus, 3);
  });

  test("a thread replica reads its budget from the context; the environment stays the app's", async () => {
    const { body } = await s.http.get('/cpus/thread').expect(200);
    assert.deepEqual(body.context, { backend: 'cpu-thread', replica: 'cpu-thread#1', kind: 'thread', cpus: 3 });
    assert.equal(body.omp, process.env.OMP_NUM_THREADS ?? null);
    assert.equal(body.uv, process.env.UV_THREADPOOL_SIZE ?? null);
    assert.equal(body.modelThreads, 'js-only', "a thread's env reaches its JavaScript");
    const warning = logs.lines.find((l) => l.includes("Backend 'cpu-thread' runs in threads"));
    assert.ok(warning, 'start-up says that env does not reach native libraries');
    assert.match(warning, /its env \(MODEL_THREADS\) .* not native libraries.* replica: 'process'/);
    assert.ok(!logs.lines.some((l) => l.includes("Backend 'cpu-process' runs in threads")));
  });

  test('a process replica on a replica host gets the same budget', async () => {
    const { body } = await s.http.get('/cpus/remote').expect(200);
    assert.equal(body.omp, '2');
    assert.equal(body.uv, '2');
    assert.equal(body.context.kind, 'process');
    assert.equal(body.context.cpus, 2);
    assert.equal(body.context.backend, 'cpu-remote');
  });

  test("a replica host warns when its own replicas' budgets exceed its cores", () => {
    const warnings = hostLog.filter((l) => l.includes("its replicas' CPU budgets"));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^warn Replica host cpu-host: its replicas' CPU budgets add up to 2 cores \(backend 'cpu-remote' 1 replica × 2 cpus\), but this machine has 1: .*numReplicas counts per machine/,
    );
  });

  test('listBackends(), getBackendConfig() and status() show the budget', () => {
    assert.equal(s.serve.listBackends()['cpu-process'].cpusPerReplica, 2);
    assert.equal(s.serve.getBackendConfig('cpu-thread').cpusPerReplica, 3);
    assert.equal(s.serve.status().backends['cpu-remote'].cpusPerReplica, 2);
  });

  test('outside a replica there is no replica context', () => {
    assert.equal(replicaContext(), undefined);
  });
});

describe('cpusPerReplica: the warning when local budgets exceed the cores (2 here)', () => {
  before(() => void mock.method(os, 'availableParallelism', () => 2));
  after(() => mock.restoreAll());

  test('3 replicas × 1 cpu on 2 cores: start-up warns, naming the backend, the cores and what to do', async () => {
    const logs = new BudgetLogger();
    const s = await startServeApp({ backends: [CpuTrio] }, { configure: (app) => app.useLogger(logs) });
    await s.close();
    assert.equal(logs.overruns().length, 1);
    assert.match(
      logs.overruns()[0],
      /add up to 3 cores \(backend 'cpu-trio' 3 replicas × 1 cpu\), but this machine has 2: .* Lower numReplicas \(or autoscaling.maxReplicas\) or cpusPerReplica/,
    );
  });

  test('within the cores nothing is said; a backend created or scaled past them warns once; bad values are refused', async () => {
    const logs = new BudgetLogger();
    const s = await startServeApp({ backends: [CpuLight] }, { configure: (app) => app.useLogger(logs) });
    try {
      await s.serve.createBackend('cpu-light-2', CpuLight);
      assert.deepEqual(logs.overruns(), [], '2 replicas × 1 cpu fit 2 cores');
      await s.serve.updateBackendConfig('cpu-light-2', { numReplicas: 2 });
      assert.equal(logs.overruns().length, 1);
      assert.match(
        logs.overruns()[0],
        /add up to 3 cores \(backend 'cpu-light-2' 2 replicas × 1 cpu, backend 'cpu-light' 1 replica × 1 cpu\), but this machine has 2/,
      );
      await s.serve.updateBackendConfig('cpu-light-2', { maxQueuedRequests: 10, cpusPerReplica: 1 });
      assert.equal(logs.overruns().length, 1, 'a change that does not raise the sum says nothing again');

      await assert.rejects(
        s.serve.createBackend('cpu-half', CpuLight, { cpusPerReplica: 0.5 }),
        /createBackend\('cpu-half'\): option 'cpusPerReplica' is 0.5; expected a whole number of cores >= 1/,
      );
      await assert.rejects(
        s.serve.updateBackendConfig('cpu-light', { cpusPerReplica: 2 }),
        /updateBackendConfig\('cpu-light'\): cpusPerReplica is 1 and cannot change on a running backend.*createBackend/,
      );
      assert.deepEqual(Object.keys(s.serve.listBackends()).sort(), ['cpu-light', 'cpu-light-2']);
    } finally {
      await s.close();
    }
  });
});
