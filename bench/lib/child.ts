import { fork, spawn, type ChildProcess } from 'node:child_process';
import type { CommandAck } from '../servers/closed.loop';

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
  /**
   * Sends an IPC command (`{ type, id, ...payload }`) and resolves with its `{ type: 'ack', id }`
   * reply; rejects with the error it carries, or after `timeoutMs` without one.
   */
  command(type: string, payload?: CommandPayload, timeoutMs?: number): Promise<CommandAck>;
  /** Asks for a graceful stop; kills the child's whole process group if it is not gone in `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** The fields an IPC command carries besides its type and id (a profile's file, a closed loop's window). */
export interface CommandPayload {
  file?: string;
  seconds?: number;
  inFlight?: number;
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
    const timer = setTimeout(
      () => fail(new Error(`server ${spec.script} did not start in ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    const fail = (err: Error): void => {
      clearTimeout(timer);
      killGroup(child);
      reject(err);
    };
    child.once(
      'exit',
      (code, signal) => started || fail(new Error(`server ${spec.script} exited during start-up (${signal ?? code})`)),
    );
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message?.type !== 'ready' || typeof message.port !== 'number') return;
      clearTimeout(timer);
      started = true;
      resolve({
        pid: child.pid!,
        port: message.port,
        command: (type, payload, timeoutMs) => command(child, type, payload, timeoutMs),
        stop: (graceMs = 5000) =>
          stopChild(child, exited, graceMs, () => child.connected && child.send({ type: 'stop' })),
      });
    });
  });
}

let nextCommandId = 1;

function command(
  child: ChildProcess,
  type: string,
  payload: CommandPayload = {},
  timeoutMs = 30_000,
): Promise<CommandAck> {
  const id = nextCommandId++;
  return new Promise<CommandAck>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no reply to ${type} in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: CommandAck): void => {
      if (message?.type !== 'ack' || message.id !== id) return;
      if (message.error) done(new Error(message.error));
      else done(undefined, message);
    };
    const done = (err?: Error, ack?: CommandAck): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      if (err) reject(err);
      else resolve(ack!);
    };
    child.on('message', onMessage);
    child.send({ ...payload, type, id });
  });
}

/** Asks `child` to stop (`ask`), waits up to `graceMs`, then kills its whole process group. */
async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number, ask: () => void): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  ask();
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

/** How to start a helper process of a server run (a NATS server, a replica host). */
export interface HelperSpec {
  /** Names the process in errors. */
  label: string;
  /** An executable on the PATH, or (with `nodeArgv`) a Node script. */
  command: string;
  args: string[];
  /** Extra environment (merged over this process's). */
  env?: Record<string, string>;
  /** Run `command` as a Node script with these Node flags and an IPC channel (so it can notice the orchestrator going away). */
  nodeArgv?: string[];
  /** The stream (piped; the other one is inherited) on which a line matching `readyLine` says the process is up. */
  readyStream: 'stdout' | 'stderr';
  readyLine: RegExp;
}

/** A running helper process. */
export interface RunningHelper {
  pid: number;
  /** The match of `readyLine`. */
  ready: RegExpExecArray;
  /** SIGTERM; kills its whole process group if it is not gone in `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a helper in its own process group, tracked like the servers (so {@link killAllServers}
 * ends it too), and waits for its ready line. Rejects (and kills it) if it cannot start, exits or
 * prints no ready line within `startTimeoutMs`; the error quotes the end of its output.
 */
export function startHelper(spec: HelperSpec, startTimeoutMs = 30_000): Promise<RunningHelper> {
  const stdio =
    spec.readyStream === 'stdout' ? (['ignore', 'pipe', 'inherit'] as const) : (['ignore', 'inherit', 'pipe'] as const);
  const env = { ...process.env, ...spec.env };
  const child = spec.nodeArgv
    ? fork(spec.command, spec.args, { env, execArgv: spec.nodeArgv, stdio: [...stdio, 'ipc'], detached: true })
    : spawn(spec.command, spec.args, { env, stdio: [...stdio], detached: true });
  live.add(child);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => child.pid === undefined && resolve());
  });
  void exited.then(() => live.delete(child));
  let output = '';
  return new Promise<RunningHelper>((resolve, reject) => {
    let started = false;
    const timer = setTimeout(() => fail(`printed no ready line in ${startTimeoutMs} ms`), startTimeoutMs);
    const fail = (why: string): void => {
      clearTimeout(timer);
      killGroup(child);
      reject(new Error(`${spec.label} ${why}${output.trim() ? `; its output ends:\n${output.slice(-2000)}` : ''}`));
    };
    child.on('error', (err) => started || fail(`could not start: ${err.message}`));
    child.once('exit', (code, signal) => started || fail(`exited during start-up (${signal ?? code})`));
    child[spec.readyStream]!.on('data', (data: Buffer) => {
      output = (output + data.toString()).slice(-8000);
      const ready = started ? null : spec.readyLine.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      started = true;
      resolve({
        pid: child.pid!,
        ready,
        stop: (graceMs = 3000) => stopChild(child, exited, graceMs, () => child.kill('SIGTERM')),
      });
    });
  });
}

/** Kills every server and helper child still alive (and their process groups). Synchronous: safe in `exit` handlers. */
export function killAllServers(): void {
  for (const child of live) killGroup(child);
  live.clear();
}
