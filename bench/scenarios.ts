import type { LoadSpec } from './lib/load';
import { REVIEW_TEXT } from './work/workloads';

/** Server scripts under `bench/servers/`. */
export type ServerKind = 'plain' | 'piscina' | 'serve' | 'inline-sentiment';

/** A load inside a phase; `tag` names its figures when a phase drives several loads at once. */
export interface TaggedLoad extends LoadSpec {
  tag?: string;
}

/** One measured window against a running server. */
export interface PhaseSpec {
  /** Prefix of the figures it records, e.g. `C` → `C.rps`, `C.p99`, `C.eluUs`. */
  id: string;
  /** Loads driven at the same time; the first one's responses count for CPU per request. */
  loads: TaggedLoad[];
  /** Measured time as a fraction of `--duration`. */
  scale: number;
  /** Warm-up as a fraction of `--warmup` (0: none, e.g. right after another phase on the same server). */
  warmupScale: number;
  /** Sample `/__stats` around the window for CPU per request. */
  cpu?: boolean;
  /** Pause before the window so work left from the previous phase drains (e.g. before an idle probe), seconds. */
  settleSeconds?: number;
  /**
   * No HTTP load (`loads` empty): the server itself keeps this many calls in flight (row K: handle
   * `remote()` calls, or Piscina `run()` calls) and answers with the window's figures over IPC.
   */
  closedLoop?: { inFlight: number };
}

/** One server child per round: what to start and what to measure on it. */
export interface ServerRunSpec {
  /** Id, usable with `--only`. */
  id: string;
  server: ServerKind;
  /** Backend of a `serve` server: `<file under bench/backends, no extension>#<ExportName>`. */
  backend?: string;
  env?: Record<string, string>;
  /**
   * Remote replicas: before the server, start a NATS server (unless `NATS_URL` is set) and one
   * replica host process serving the backend's module; the server joins them with
   * `cluster` options and reports ready once the replica host runs all its replicas.
   */
  cluster?: boolean;
  phases: PhaseSpec[];
  /** A memory run: warm up with this load, then read the RSS of the host and its child processes. */
  memoryWarmup?: LoadSpec;
}

const HELLO: LoadSpec = { path: '/hello', connections: 64 };
/**
 * Rows `.noop` (issue 19): a no-op `GET` handler (`{}`) at 50 connections on servers with Nest's
 * default logger, as a user's app would measure it; A, B and C serve `hello()` at 64 with errors-only logging.
 */
const NOOP: LoadSpec = { path: '/noop', connections: 50 };
const DEFAULT_LOGGER = { BENCH_LOGGER: 'default' };
const HEALTH_PROBE: TaggedLoad = { tag: 'health', path: '/health', connections: 1 };
const SENTIMENT: TaggedLoad = {
  tag: 'sentiment',
  path: '/sentiment',
  connections: 32,
  method: 'POST',
  body: JSON.stringify({ text: REVIEW_TEXT }),
};

/** Rows N: the sample's ONNX network, with enough connections to fill batches of 32 on 2 replicas. */
const SENTIMENT_NN: LoadSpec = { ...SENTIMENT, path: '/sentiment/nn', connections: 64 };

function throughput(id: string, load: LoadSpec, extra: Partial<PhaseSpec> = {}): PhaseSpec {
  return { id, loads: [load], scale: 1, warmupScale: 1, ...extra };
}

/** G: one connection at a time, right after the server's throughput phase. */
const latency = (id: string): PhaseSpec =>
  throughput(id, { path: '/hello', connections: 1 }, { scale: 0.5, warmupScale: 0.25 });

/**
 * H then I on the same server: throughput, idle `/health` p99, then `/health` p99 while
 * `/sentiment` is saturated. Ids `H.<kind>` / `I.<kind>.*`, or as given (`H-f`, `I-f` on Fastify).
 */
function sentimentPhases(kind: 'inline' | 'serve', h = `H.${kind}`, i = `I.${kind}`): PhaseSpec[] {
  return [
    throughput(h, SENTIMENT, { cpu: true }),
    { id: `${i}.idle`, loads: [HEALTH_PROBE], scale: 0.3, warmupScale: 0, settleSeconds: 1 },
    { id: `${i}.loaded`, loads: [HEALTH_PROBE, SENTIMENT], scale: 0.5, warmupScale: 0.5 },
  ];
}

/** The host app on `@nestjs/platform-fastify` instead of Express (rows `*-f`). */
const FASTIFY = { BENCH_ADAPTER: 'fastify' };

const half = { scale: 0.5, warmupScale: 0.5 };

/** Row K: calls kept in flight by the server itself, without HTTP. */
const HANDLE_IN_FLIGHT = 256;

/** A closed-loop phase `id`: `HANDLE_IN_FLIGHT` calls in flight in the server, figures `<id>.cps`, `<id>.eluUs`, … */
function closedLoop(id: string): PhaseSpec {
  return { id, loads: [], scale: 0.5, warmupScale: 0.5, closedLoop: { inFlight: HANDLE_IN_FLIGHT } };
}

/** Every server run of a round, in base order (each round rotates it). */
export const SERVER_RUNS: ServerRunSpec[] = [
  { id: 'A', server: 'plain', phases: [throughput('A', HELLO, { cpu: true }), latency('G.A')] },
  { id: 'A-f', server: 'plain', env: FASTIFY, phases: [throughput('A-f', HELLO, { cpu: true })] },
  { id: 'B', server: 'piscina', env: { BENCH_REPLICAS: '2' }, phases: [throughput('B', HELLO, { cpu: true })] },
  {
    id: 'C',
    server: 'serve',
    backend: 'hello.backend#HelloBackend',
    env: { BENCH_REPLICAS: '2', BENCH_REPLICA_KIND: 'thread' },
    phases: [throughput('C', HELLO, { cpu: true }), latency('G.C')],
  },
  { id: 'A.noop', server: 'plain', env: DEFAULT_LOGGER, phases: [throughput('A.noop', NOOP, { cpu: true })] },
  {
    id: 'B.noop',
    server: 'piscina',
    env: { ...DEFAULT_LOGGER, BENCH_REPLICAS: '2' },
    phases: [throughput('B.noop', NOOP, { cpu: true })],
  },
  {
    id: 'C.noop',
    server: 'serve',
    backend: 'noop.backend#NoopBackend',
    env: { ...DEFAULT_LOGGER, BENCH_REPLICAS: '2', BENCH_REPLICA_KIND: 'thread' },
    phases: [throughput('C.noop', NOOP, { cpu: true })],
  },
  {
    id: 'K',
    server: 'serve',
    backend: 'hello.backend#HelloBackend',
    env: { BENCH_REPLICAS: '2', BENCH_REPLICA_KIND: 'thread' },
    phases: [closedLoop('K')],
  },
  { id: 'K-piscina', server: 'piscina', env: { BENCH_REPLICAS: '2' }, phases: [closedLoop('K-piscina')] },
  {
    id: 'C-f',
    server: 'serve',
    backend: 'hello.backend#HelloBackend',
    env: { ...FASTIFY, BENCH_REPLICAS: '2', BENCH_REPLICA_KIND: 'thread' },
    phases: [throughput('C-f', HELLO, { cpu: true })],
  },
  {
    id: 'C.metrics',
    server: 'serve',
    backend: 'hello.backend#HelloBackend',
    env: { BENCH_REPLICAS: '2', BENCH_REPLICA_KIND: 'thread', BENCH_METRICS_PATH: '/metrics' },
    phases: [throughput('C.metrics', HELLO, { cpu: true })],
  },
  {
    id: 'J',
    server: 'serve',
    backend: 'hello.backend#HelloBackend',
    env: { BENCH_REPLICAS: '2', BENCH_REPLICA_KIND: 'thread', BENCH_PLACEMENT: 'remote' },
    cluster: true,
    phases: [throughput('J', HELLO), latency('G.J')],
  },
  {
    id: 'D',
    server: 'serve',
    backend: 'hello.backend#HelloBackend',
    env: { BENCH_REPLICAS: '2', BENCH_REPLICA_KIND: 'process' },
    phases: [throughput('D', HELLO, { cpu: true })],
  },
  {
    id: 'E.unbatched',
    server: 'serve',
    backend: 'batch.backend#UnbatchedWorkBackend',
    phases: [throughput('E.unbatched', { path: '/work', connections: 64 }, half)],
  },
  {
    id: 'E.batched',
    server: 'serve',
    backend: 'batch.backend#BatchedWorkBackend',
    phases: [throughput('E.batched', { path: '/work', connections: 64 }, half)],
  },
  {
    id: 'F.1',
    server: 'serve',
    backend: 'cpu.backend#CpuBackend',
    env: { BENCH_REPLICAS: '1' },
    phases: [throughput('F.1', { path: '/cpu', connections: 16 }, { ...half, cpu: true })],
  },
  {
    id: 'F.2',
    server: 'serve',
    backend: 'cpu.backend#CpuBackend',
    env: { BENCH_REPLICAS: '2' },
    phases: [throughput('F.2', { path: '/cpu', connections: 16 }, { ...half, cpu: true })],
  },
  { id: 'H.inline', server: 'inline-sentiment', phases: sentimentPhases('inline') },
  {
    id: 'H.serve',
    server: 'serve',
    backend: 'sentiment.backend#SentimentBackend',
    env: { BENCH_REPLICAS: '2' },
    phases: sentimentPhases('serve'),
  },
  {
    id: 'H-f',
    server: 'serve',
    backend: 'sentiment.backend#SentimentBackend',
    env: { ...FASTIFY, BENCH_REPLICAS: '2' },
    phases: sentimentPhases('serve', 'H-f', 'I-f'),
  },
  ...[1, 8, 32].map((batch) => ({
    id: `N.${batch}`,
    server: 'serve' as const,
    backend: 'sentiment-nn.backend#SentimentNNBackend',
    env: { BENCH_REPLICAS: '2', BENCH_REPLICA_KIND: 'thread', BENCH_MAX_BATCH: String(batch) },
    phases: [throughput(`N.${batch}`, SENTIMENT_NN, { ...half, cpu: true })],
  })),
  // Issue 21: the CPU budget (1 intra-op thread per replica, from cpusPerReplica) against onnxruntime's default
  // (one thread per core in every replica: 4 threads on 2 cores), batches of 8.
  ...(['budget', 'unbounded'] as const).map((mode) => ({
    id: `N.${mode}`,
    server: 'serve' as const,
    backend: 'sentiment-nn.backend#SentimentNNBackend',
    env: {
      BENCH_REPLICAS: '2',
      BENCH_REPLICA_KIND: 'thread',
      BENCH_MAX_BATCH: '8',
      ...(mode === 'unbounded' ? { ONNX_INTRA_OP_THREADS: '0' } : {}),
    },
    phases: [throughput(`N.${mode}`, SENTIMENT_NN, { ...half, cpu: true })],
  })),
  { id: 'M.0', server: 'serve', phases: [], memoryWarmup: { path: '/health', connections: 8 } },
  ...(['2t', '8t', '2p'] as const).map((id) => ({
    id: `M.${id}`,
    server: 'serve' as const,
    backend: 'hello.backend#HelloBackend',
    env: { BENCH_REPLICAS: id.slice(0, -1), BENCH_REPLICA_KIND: id.endsWith('p') ? 'process' : 'thread' },
    phases: [],
    memoryWarmup: { path: '/hello', connections: 8 },
  })),
];

/** Warm-up of a memory run, as a fraction of `--warmup`. */
export const MEMORY_WARMUP_SCALE = 0.5;

/** Extra start/stop allowance of a run with a NATS server and a replica host, seconds. */
const CLUSTER_SECONDS = 2;

/** Seconds one round should take (load time plus a start/stop allowance per server). */
export function estimateRoundSeconds(
  runs: readonly ServerRunSpec[],
  duration: number,
  warmup: number,
  perServerSeconds = 2.5,
): number {
  return runs.reduce(
    (sum, run) =>
      sum +
      perServerSeconds +
      (run.cluster ? CLUSTER_SECONDS : 0) +
      (run.memoryWarmup ? warmup * MEMORY_WARMUP_SCALE : 0) +
      run.phases.reduce((s, p) => s + duration * p.scale + warmup * p.warmupScale + (p.settleSeconds ?? 0), 0),
    0,
  );
}
