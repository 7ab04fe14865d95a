/**
 * Server for every nestjs-serve scenario: `BENCH_BACKEND=<file>#<ExportName>` names the backend
 * class to serve (none: the module with no backends, for the 0-replica memory baseline). Replica
 * count, kind and placement come from the env the backend decorators read (`BENCH_REPLICAS`,
 * `BENCH_REPLICA_KIND`, `BENCH_PLACEMENT`). With `BENCH_CLUSTER_SERVERS` (a NATS URL) and
 * `BENCH_CLUSTER_PREFIX` the module joins that cluster, and with `BENCH_REPLICA_HOST` the server
 * reports ready only once that replica host runs every backend's `numReplicas` replicas. With
 * `BENCH_METRICS_PATH` the module serves Prometheus metrics there (row C.metrics). It answers
 * closed-loop commands (row K) with `getHandle(BENCH_HANDLE_ENDPOINT).remote()` calls (default `/hello`).
 */
import { Module, type INestApplication } from '@nestjs/common';
import { ServeModule, ServeService, type ServeHandle } from '../../src';
import { runServer, startBenchServer } from './bootstrap';
import { loadBackend } from './backend.loader';
import { StatsController } from './stats.controller';
import { listenForClosedLoop } from './closed.loop';
import { CLOSED_LOOP_PAYLOAD } from '../work/workloads';

/** How long the server waits for remote replicas before giving up, ms. */
const REMOTE_REPLICAS_TIMEOUT_MS = 30_000;

/** Root module of a nestjs-serve server. */
@Module({
  imports: [
    ServeModule.forRoot({
      backends: loadBackend(process.env.BENCH_BACKEND),
      ...(process.env.BENCH_METRICS_PATH ? { metrics: { path: process.env.BENCH_METRICS_PATH } } : {}),
      ...(process.env.BENCH_NICE === undefined ? {} : { replicaNice: Number(process.env.BENCH_NICE) }),
      ...(process.env.BENCH_CLUSTER_SERVERS
        ? { cluster: { servers: process.env.BENCH_CLUSTER_SERVERS, prefix: process.env.BENCH_CLUSTER_PREFIX } }
        : {}),
    }),
  ],
  controllers: [StatsController],
})
export class ServeServerModule {}

type Listing = Record<string, { numReplicas?: number; replicas?: { host: string; state: string }[] }>;

/** Backends that do not yet have `numReplicas` ready replicas on replica host `host` (from `listBackends()`). */
export function missingRemoteReplicas(listing: Listing, host: string): string[] {
  return Object.entries(listing)
    .filter(
      ([, b]) => (b.replicas ?? []).filter((r) => r.host === host && r.state === 'ready').length < (b.numReplicas ?? 1),
    )
    .map(([name]) => name);
}

/** Resolves once replica host `BENCH_REPLICA_HOST` (if set) runs all replicas: `app.init()` does not wait for remote ones. */
export async function waitForRemoteReplicas(app: INestApplication): Promise<void> {
  const host = process.env.BENCH_REPLICA_HOST;
  if (!host) return;
  const serve = app.get(ServeService);
  const deadline = Date.now() + REMOTE_REPLICAS_TIMEOUT_MS;
  while (missingRemoteReplicas(serve.listBackends() as Listing, host).length > 0) {
    if (Date.now() > deadline) {
      throw new Error(
        `replica host ${host} did not run all replicas in ${REMOTE_REPLICAS_TIMEOUT_MS} ms: ${JSON.stringify(serve.listBackends())}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits for remote replicas, then answers closed-loop commands through a handle on the endpoint,
 * taken on the first command (servers of other rows serve no `/hello`).
 */
async function beforeReady(app: INestApplication): Promise<void> {
  await waitForRemoteReplicas(app);
  let handle: ServeHandle | undefined;
  listenForClosedLoop(() => {
    handle ??= app.get(ServeService).getHandle(process.env.BENCH_HANDLE_ENDPOINT ?? '/hello');
    return handle.remote(CLOSED_LOOP_PAYLOAD);
  });
}

runServer(() => startBenchServer(ServeServerModule, undefined, beforeReady));
