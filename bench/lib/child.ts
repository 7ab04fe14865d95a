import { fork, type ChildProcess } from 'node:child_process';

/** How to start one server child. */
export interface ChildSpec {
  /** Absolute path of the server script (`.ts` under the TS loader, or transpiled `.js`). */
  script: string;
  /** Extra environment (merged over this process's). */
  env: Record<string, string>;
  /** Node flags of the child (e.g. `-r @swc-node/register`, `--cpu-prof`). */
  execArgv: string[];
}

/** A running server child: its pid and the port it listens on at 127.0.0.1. */
export interface RunningServer {
  pid: number;
  port: number;
  /** Sends an IPC command (`{ type, id, ...payload }`) and waits for its `{ type: 'ack', id }` reply. */
  command(type: string, payload?: Record<string, unknown>): Promise<void>;
  /** Asks for a graceful stop; kills the child's whole process group if it is not gone in `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();

/**
 * Forks a server in its own process group (so its process replicas can be killed with it),
 * waits for its `ready` IPC message and returns its port. Rejects (and kills it) if it exits or
 * stays silent for `startTimeoutMs`.
 */
export function startServer(spec: ChildSpec, startTimeoutMs = 60_000): Promise<RunningServer> {
  const child = fork(spec.script, [], {
    env: { ...process.env, ...spec.env },
    execArgv: spec.execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    detached: true,
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  return new Promise<RunningServer>((resolve, reject) => {
    let started = false;
    const timer = setTimeout(() => fail(new Error(`server ${spec.script} did not start in ${startTimeoutMs} ms`)), startTimeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      killGroup(child);
      reject(err);
    };
    child.once('exit', (code, signal) => started || fail(new Error(`server ${spec.script} exited during start-up (${signal ?? code})`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message?.type !== 'ready' || typeof message.port !== 'number') return;
      clearTimeout(timer);
      started = true;
      resolve({
        pid: child.pid!,
        port: message.port,
        command: (type, payload) => command(child, type, payload),
        stop: (graceMs = 5000) => stopChild(child, exited, graceMs),
      });
    });
  });
}

let nextCommandId = 1;

function command(child: ChildProcess, type: string, payload: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<void> {
  const id = nextCommandId++;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no reply to ${type} in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: { type?: string; id?: number; error?: string }): void => {
      if (message?.type === 'ack' && message.id === id) done(message.error ? new Error(message.error) : undefined);
    };
    const done = (err?: Error): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      if (err) reject(err);
      else resolve();
    };
    child.on('message', onMessage);
    child.send({ ...payload, type, id });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: 'stop' });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  const outcome = await Promise.race([exited.then(() => 'exited' as const), late]);
  clearTimeout(timer);
  // the group may still hold process replicas; kill it either way, then wait for the leader
  killGroup(child);
  if (outcome === 'late') await exited;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // group already gone
  }
}

/** Kills every server child still alive (and their process groups). Synchronous: safe in `exit` handlers. */
export function killAllServers(): void {
  for (const child of live) killGroup(child);
  live.clear();
}
