import { fork } from 'node:child_process';
import type { ReplicaResourceLimits } from '../interfaces/backend-config.interface';
import type { ReplicaTransport } from './replica.interface';
import type { ReplicaInit, ToReplica } from './replica.protocol';
import { decodeFromReplica, encodeToReplica, type WireBatch } from './batch.codec';

/** Variables a replica process inherits from the app; everything else stays out. */
const INHERITED_ENV =
  /^(PATH|HOME|USER|LANG|LC_\w+|TZ|TMPDIR|TEMP|TMP|NODE_ENV|NODE_OPTIONS|NODE_PATH|NODE_EXTRA_CA_CERTS|SWC_\w+|TS_NODE_\w+|TSX_\w+|SYSTEMROOT)$/;
/** The app's flags a replica process repeats: module loaders and how modules resolve (not the test runner, debugger or watch mode). */
const KEPT_FLAGS =
  /^(-r|--require|--import|--loader|--experimental-loader|-C|--conditions|--enable-source-maps|--experimental-[\w-]+|--no-experimental-[\w-]+|--no-warnings|--no-deprecation|--preserve-symlinks)(=|$)/;
const FLAGS_WITH_VALUE = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '-C',
  '--conditions',
]);

/** A replica in a child process: its own heap, its own native libraries, its own env. */
export function createProcessTransport(
  entry: string,
  init: ReplicaInit,
  options: { env?: Record<string, string>; resourceLimits?: ReplicaResourceLimits },
): ReplicaTransport {
  const heap = options.resourceLimits?.maxOldGenerationSizeMb;
  const child = fork(entry, [], {
    env: replicaEnv(options.env),
    execArgv: [...loaderFlags(process.execArgv), ...(heap ? [`--max-old-space-size=${heap}`] : [])],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited = false;
  let lastError: Error | undefined;
  child.on('error', (err) => (lastError = err));
  child.send([{ t: 'init', init }]);
  return {
    post: (batch) => {
      if (!exited && child.connected) child.send(encodeToReplica(batch as ToReplica[]));
    },
    onMessage: (listener) => child.on('message', (wire) => listener(decodeFromReplica(wire as WireBatch))),
    onExit: (listener) =>
      child.once('exit', (code, signal) => {
        exited = true;
        listener(lastError ?? new Error(signal ? `process killed by ${signal}` : `process exited with code ${code}`));
      }),
    kill: () => void child.kill('SIGKILL'),
  };
}

/** The environment of a replica process: what Node and TS loaders need, plus the backend's `env`. */
export function replicaEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && INHERITED_ENV.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** The app's flags that a replica process needs to load the same code the same way. */
export function loaderFlags(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const takesNext = FLAGS_WITH_VALUE.has(arg);
    if (KEPT_FLAGS.test(arg)) kept.push(...(takesNext ? [arg, execArgv[i + 1]] : [arg]));
    if (takesNext) i++;
  }
  return kept;
}
