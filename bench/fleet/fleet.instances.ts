import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** One app instance child of the fleet bench, driven over IPC. */
export interface FleetInstanceChild {
  name: string;
  port: number;
  /** Sends a command and resolves with its acknowledgement's fields (rejects on its error or after `timeoutMs`). */
  command<T = Record<string, unknown>>(type: string, payload?: object, timeoutMs?: number): Promise<T>;
  /** Closes the app gracefully (the `stop` command), then waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL. */
  kill(): void;
}

let nextId = 1;

/** Forks `bench/fleet/fleet.server.ts` under the same TypeScript loader and waits for it to listen. */
export function startInstance(name: string, env: Record<string, string>): Promise<FleetInstanceChild> {
  const child: ChildProcess = fork(join(__dirname, 'fleet.server.ts'), [], {
    env: { ...process.env, ...env, FLEET_NAME: name },
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${name} did not start in 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`instance ${name} exited during start-up (${code})`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      const command = <T>(type: string, payload: object = {}, timeoutMs = 60_000): Promise<T> => {
        const id = nextId++;
        return new Promise<T>((done, fail) => {
          const late = setTimeout(
            () => fail(new Error(`instance ${name}: no reply to ${type} in ${timeoutMs} ms`)),
            timeoutMs,
          );
          const onMessage = (ack: { type?: string; id?: number; error?: string }) => {
            if (ack?.type !== 'ack' || ack.id !== id) return;
            clearTimeout(late);
            child.off('message', onMessage);
            if (ack.error) fail(new Error(`instance ${name}: ${ack.error}`));
            else done(ack as T);
          };
          child.on('message', onMessage);
          if (!child.connected) return fail(new Error(`instance ${name} is gone`));
          child.send({ ...payload, type, id }, (err) => err && fail(err));
        });
      };
      resolve({
        name,
        port: message.port!,
        command,
        async stop() {
          if (child.exitCode === null && child.signalCode === null)
            await command('stop', {}, 30_000).catch(() => child.kill('SIGKILL'));
          await exited;
        },
        kill: () => child.kill('SIGKILL'),
      });
    });
  });
}
