import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EchoBackend } from '../fixtures/echo.backend';
import { Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Backend, Endpoint, ServeModule } from '../../src';
import { startServeApp } from '../helpers/serve-app';
import { ProcessBackend } from '../fixtures/process.backend';
import {
  ExitingBackend,
  FailingBackend,
  FailingProcessBackend,
  NullReconfigureBackend,
  ThrowingReconfigureBackend,
} from '../fixtures/failing.backend';
import { RecordingLogger } from '../helpers/recording-logger';
import { NeverReady } from '../fixtures/fault.backend';
import { VersionA } from '../fixtures/traffic.backends';

async function startupError(backends: unknown[], logger: LoggerService | false = false): Promise<Error> {
  @Module({ imports: [ServeModule.forRoot({ backends: backends as never[] })] })
  class M {}
  const app = await NestFactory.create(M, { logger, abortOnError: false });
  try {
    await app.init();
  } catch (err) {
    await app.close().catch(() => undefined);
    return err as Error;
  }
  await app.close();
  throw new Error('app.init() should have failed');
}

describe('replicas', () => {
  test('process replicas run in their own processes with initArgs and env, without the host secrets', async () => {
    process.env.TEST_HOST_SECRET = 'do-not-leak';
    const s = await startServeApp({ backends: [ProcessBackend] });
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          s.http
            .get('/process')
            .expect(200)
            .then((r) => r.body),
        ),
      );
      const pids = new Set(answers.map((a) => a.pid));
      assert.equal(pids.size, 2);
      assert.ok(!pids.has(process.pid));
      for (const a of answers) {
        assert.equal(a.omp, '3');
        assert.equal(a.model, 'model-x');
        assert.equal(a.leakedSecret, null);
      }
      assert.deepEqual(
        (s.serve.listBackends().ProcessBackend.replicas as { replica: string; host: string }[]).map(
          (r) => `${r.replica}@${r.host}`,
        ),
        ['process@local', 'process@local'],
      );
    } finally {
      await s.close();
      delete process.env.TEST_HOST_SECRET;
    }
  });

  test(
    'replicas run at a lower priority than the host event loop (Linux nice)',
    { skip: process.platform !== 'linux' },
    async () => {
      const hostNice = getPriority();
      const s = await startServeApp({ backends: [EchoBackend] });
      try {
        await s.serve.createBackend('echo-process', EchoBackend, { replica: 'process', numReplicas: 1 });
        await s.serve.createEndpoint('echo-process', { backend: 'echo-process', route: '/echo-process' });
        const thread = (await s.http.get('/echo').set('x-serve-call-method', 'priority').expect(200)).body;
        const child = (await s.http.get('/echo-process').set('x-serve-call-method', 'priority').expect(200)).body;
        assert.equal(thread.nice, 5);
        assert.equal(child.nice, 5);
        assert.notEqual(child.pid, process.pid);
        assert.equal(getPriority(), hostNice, 'the host thread keeps its priority');
      } finally {
        await s.close();
      }
    },
  );

  test('bad module options fail start-up naming the option', async () => {
    @Module({ imports: [ServeModule.forRoot({ backends: [], replicaNice: 40 })] })
    class M {}
    const app = await NestFactory.create(M, { logger: false, abortOnError: false });
    await assert.rejects(
      app.init(),
      /ServeModule\.forRoot\(\): option 'replicaNice' is 40; expected an integer from 0 to 19/,
    );
    await app.close().catch(() => undefined);
  });

  test('a replica that never becomes ready is killed after replicaStartTimeoutMs and the call rejects', async () => {
    const s = await startServeApp({ backends: [], replicaStartTimeoutMs: 800 });
    try {
      const started = Date.now();
      await assert.rejects(
        s.serve.createBackend('never', NeverReady),
        /NeverReady|never#1.*did not become ready within 800 ms/,
      );
      assert.ok(Date.now() - started < 5000);
      assert.deepEqual(Object.keys(s.serve.listBackends()), []);
    } finally {
      await s.close();
    }
  });

  test('a backend still starting when the app closes is stopped, and its creation rejects', async () => {
    const s = await startServeApp({ backends: [] });
    const creating = s.serve.createBackend('late', EchoBackend, { numReplicas: 1 });
    await new Promise((r) => setTimeout(r, 20));
    await s.close();
    await assert.rejects(creating, /shut down/);
  });

  test('app.init() fails with the constructor error when a replica cannot start', async () => {
    const err = await startupError([FailingBackend]);
    assert.match(err.message, /FailingBackend#1 failed to start: model file missing: weights\.bin/);
  });

  test("the start-up failure's log line keeps the constructor's own frames: the backend's file and the line of the throw", async () => {
    const file = join(__dirname, '../fixtures/failing.backend.ts');
    const source = readFileSync(file, 'utf8').split('\n');
    const lineOf = (text: string) => source.findIndex((line) => line.includes(text)) + 1;
    for (const [backend, message, thrownAt] of [
      [FailingBackend, 'model file missing: weights.bin', lineOf("throw new Error('model file missing")],
      [FailingProcessBackend, 'weights file missing: weights-p.bin', lineOf('throw new Error(`weights file missing')],
    ] as const) {
      const logs = new RecordingLogger();
      const err = await startupError([backend], logs);
      const line = logs.lines.find((l) => l.includes(`${backend.name}#1 failed to start: ${message}`));
      assert.ok(line, `a log line names the failure, in:\n${logs.lines.join('\n')}`);
      assert.ok(line.includes(`${file}:${thrownAt}:`), `it names ${file}:${thrownAt}, in:\n${line}`);
      assert.doesNotMatch(err.message, /\n|:\d+:\d+/, 'the error itself carries no stack in its message');
    }
  });

  test('a replica that exits while it starts fails start-up saying so once, in the error and the log', async () => {
    const logs = new RecordingLogger();
    const err = await startupError([ExitingBackend], logs);
    assert.match(err.message, /^Replica ex#1 failed to start: thread exited with code 0$/);
    const line = logs.lines.find((l) => l.includes('ex#1 failed to start'));
    assert.ok(line, `a log line names the failure, in:\n${logs.lines.join('\n')}`);
    assert.match(line, /Replica ex#1 failed to start: thread exited with code 0/);
    assert.doesNotMatch(line, /failed to start: Replica/);
    assert.doesNotMatch(line, /thread\.transport/, "the host's frames are not the replica's stack");
  });

  test('a reconfigure() that throws at start is named as the step that failed, with what it threw', async () => {
    const nullErr = await startupError([NullReconfigureBackend]);
    assert.match(
      nullErr.message,
      /^Replica nullConfig#1 failed to start: reconfigure\(userConfig\) threw null, not an Error: throw an Error/,
    );
    const err = await startupError([ThrowingReconfigureBackend]);
    assert.match(
      err.message,
      /^Replica badConfig#1 failed to start: reconfigure\(userConfig\) threw: threshold -1 is below 0$/,
    );
  });

  test('bad decorator options fail start-up naming the class and the option', async () => {
    @Backend({ numReplicas: 0 })
    class ZeroReplicas {
      call() {}
    }
    assert.match((await startupError([ZeroReplicas])).message, /class 'ZeroReplicas'.*'numReplicas' is 0/);

    @Backend()
    @Endpoint({ route: '/w', weight: -1 })
    class NegativeWeight {
      call() {}
    }
    assert.match((await startupError([NegativeWeight])).message, /NegativeWeight.*'weight' is -1/);

    @Backend()
    @Endpoint({ route: 'no-slash' })
    class NoSlash {
      call() {}
    }
    assert.match((await startupError([NoSlash])).message, /NoSlash.*'route' is 'no-slash'/);

    @Backend()
    @Endpoint({ route: '/split', name: 'other' })
    class SameRoute {
      call() {}
    }
    assert.match(
      (await startupError([VersionA, SameRoute])).message,
      /Route '\/split' already belongs to endpoint 'split'/,
    );

    class NotABackend {}
    assert.match((await startupError([NotABackend])).message, /NotABackend.*not a backend class/);

    @Backend({ replica: 'gpu' as never })
    class BadKind {
      call() {}
    }
    assert.match((await startupError([BadKind])).message, /BadKind.*'replica' is 'gpu'/);
  });
});
