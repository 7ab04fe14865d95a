import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startHelper, type RunningHelper } from './child';

/** Name the replica host shows in the app's `listBackends()`. */
export const REPLICA_HOST_NAME = 'bench-replica-host';

/** What a run with remote replicas needs from {@link startCluster}. */
export interface ClusterSpec {
  /** Folder holding `servers/` (the bench sources, or their transpiled copy); the library is at `<codeDir>/../src`. */
  codeDir: string;
  ext: '.ts' | '.js';
  /** Node flags of the servers (the replica host gets the same). */
  execArgv: string[];
  /** Absolute path of the module exporting the `@Backend()` class the replica host serves. */
  backendModule: string;
  /** Environment of the replica host (the run's, as its server gets). */
  env: Record<string, string>;
}

/** A NATS server and one replica host, up for one server run. */
export interface RunningCluster {
  /** Environment for the app server: NATS URL, subject prefix, the replica host to wait for. */
  env: Record<string, string>;
  /** Pids of the processes started here (replica host; NATS server unless `NATS_URL` was given), counted as server CPU. */
  pids: number[];
  /** Stops the replica host, then the NATS server if it was started here. */
  stop(): Promise<void>;
}

/**
 * Starts what remote replicas need: a NATS server on loopback (`nats-server` on a port the OS
 * picks, unless `NATS_URL` names one already running) and one replica host process (the
 * library's `nestjs-serve replica` command from the same copy of the library as the app), under
 * a random subject prefix so no other app or replica host on that NATS server joins in.
 */
export async function startCluster(spec: ClusterSpec): Promise<RunningCluster> {
  const nats = process.env.NATS_URL ? undefined : await startNats();
  const servers = process.env.NATS_URL ?? `nats://127.0.0.1:${nats!.ready[1]}`;
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const replicaHost = await startReplicaHost(spec, servers, prefix).catch(async (err: unknown) => {
    await nats?.stop();
    throw err;
  });
  return {
    env: { BENCH_CLUSTER_SERVERS: servers, BENCH_CLUSTER_PREFIX: prefix, BENCH_REPLICA_HOST: REPLICA_HOST_NAME },
    pids: [replicaHost.pid, ...(nats ? [nats.pid] : [])],
    async stop() {
      try {
        await replicaHost.stop();
      } finally {
        await nats?.stop();
      }
    },
  };
}

/**
 * `nats-server` on 127.0.0.1 at a port the OS picks (read from its log). Under util-linux's
 * `setpriv --pdeathsig` when installed, so it dies with the orchestrator even if that is killed
 * outright (the Node children exit on their own when their IPC channel closes).
 */
function startNats(): Promise<RunningHelper> {
  const args = ['-a', '127.0.0.1', '-p', '-1'];
  const withSetpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
  return startHelper({
    label: 'nats-server (install it, e.g. apt-get install nats-server, or set NATS_URL)',
    command: withSetpriv ? 'setpriv' : 'nats-server',
    args: withSetpriv ? ['--pdeathsig', 'KILL', 'nats-server', ...args] : args,
    readyStream: 'stderr',
    readyLine: /Listening for client connections on 127\.0\.0\.1:(\d+)/,
  });
}

function startReplicaHost(spec: ClusterSpec, servers: string, prefix: string): Promise<RunningHelper> {
  const cli = join(spec.codeDir, '..', 'src', 'cli', `serve.cli${spec.ext}`);
  const args = [
    'replica',
    '--servers',
    servers,
    '--module',
    spec.backendModule,
    '--prefix',
    prefix,
    '--name',
    REPLICA_HOST_NAME,
    '--drain-timeout-ms',
    '2000',
  ];
  return startHelper({
    label: 'replica host (nestjs-serve replica)',
    command: cli,
    args,
    env: spec.env,
    nodeArgv: [...spec.execArgv, '-r', join(spec.codeDir, 'servers', `exit-with-parent${spec.ext}`)],
    readyStream: 'stdout',
    readyLine: /\] serving .*; waiting for apps/,
  });
}
