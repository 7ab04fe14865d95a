import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A child process of a test, with its output kept for assertions and diagnostics. */
export interface TestProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal) once it is gone. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `command` with `args`; its stdout and stderr are collected. */
export function startProcess(command: string, args: string[], env: Record<string, string> = {}): TestProcess {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  const onData = (data: Buffer) => {
    text += data.toString();
    for (const waiter of [...waiters]) {
      const line = text.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    output: () => text,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      const line = text.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no output line matched ${pattern} within ${timeoutMs} ms; output:\n${text.slice(-3000)}`),
            ),
          timeoutMs,
        );
        waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then(() =>
          setTimeout(
            () => reject(new Error(`process exited before printing ${pattern}; output:\n${text.slice(-3000)}`)),
            50,
          ),
        );
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on `port` (127.0.0.1). */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A NATS server of the test's own, on loopback, that the test may stop and start again. */
export interface TestNats {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Starts `nats-server` (from Debian's package `nats-server`) on a free loopback port; with
 * `jetstream`, with JetStream on and a store directory of its own that survives `stop()` and
 * `start()` (removed when the test process exits).
 */
export async function startNats(options: { jetstream?: boolean } = {}): Promise<TestNats> {
  if (spawnSync('nats-server', ['--version']).error) {
    throw new Error('nats-server is not installed: apt-get install -y nats-server (.ci/run does it).');
  }
  const port = await freePort();
  const store = options.jetstream ? mkdtempSync(join(tmpdir(), 'nats-js-')) : undefined;
  if (store) process.once('exit', () => rmSync(store, { recursive: true, force: true }));
  const jetstream = store ? ['-js', '-sd', store] : [];
  let server: TestProcess | undefined;
  const nats: TestNats = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async start() {
      server = startProcess('nats-server', ['-a', '127.0.0.1', '-p', String(port), ...jetstream]);
      await waitForPort(port);
    },
    async stop() {
      await server?.kill('SIGKILL');
      server = undefined;
    },
  };
  await nats.start();
  return nats;
}

/** The URL of the NATS server `.ci/run` started (NATS_URL), or one started for this test. */
export async function sharedNats(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.NATS_URL) return { url: process.env.NATS_URL, stop: async () => undefined };
  return startNats();
}

/** Starts `nestjs-serve replica` from the built package, as a user would run it. */
export function startReplicaHost(
  natsUrl: string,
  name: string,
  prefix: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): TestProcess {
  return startProcess(
    process.execPath,
    [
      join(ROOT, 'dist/cli/serve.cli.js'),
      'replica',
      '--servers',
      natsUrl,
      '--module',
      'test/fixtures/cluster/cluster.backends.ts',
      '--name',
      name,
      '--prefix',
      prefix,
      ...extra,
    ],
    { SERVE_TEST_HOST: name, ...env },
  );
}
