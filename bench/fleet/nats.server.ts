import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `nats-server -js` on loopback whose store survives `restart()`. */
export class NatsServer {
  private child?: ChildProcess;
  private readonly store = mkdtempSync(join(tmpdir(), 'fleet-bench-js-'));

  private constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts one on a free port. */
  static async start(): Promise<NatsServer> {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const server = new NatsServer(port);
    await server.up();
    return server;
  }

  /** SIGKILL, then the same port and store again. */
  async restart(downMs: number): Promise<void> {
    await this.down();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.up();
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.store, { recursive: true, force: true });
  }

  private async up(): Promise<void> {
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.store], {
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while (!(await reachable(this.port))) {
      if (Date.now() > deadline)
        throw new Error(`nats-server did not listen on ${this.port}: apt-get install nats-server`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
