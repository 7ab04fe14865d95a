import type { Calibration } from './lib/calibrate';
import type { MachineInfo } from './lib/machine';
import type { Results } from './lib/results';
import { median } from './lib/stats';
import type { TargetCheck } from './lib/targets';
import { REVIEW_TEXT } from './work/workloads';

/** Everything the markdown report shows. */
export interface ReportInput {
  command: string;
  machine: MachineInfo;
  date: string;
  rounds: number;
  duration: number;
  warmup: number;
  elapsedSeconds: number;
  /** Load average when the run ended. */
  loadAverageAtEnd: string;
  calibration: Calibration;
  /** How the servers ran (transpiled JS, or TypeScript under a loader; profiled or not). */
  runtime: string;
  results: Results;
  targets: TargetCheck[];
}

const THROUGHPUT_ROWS: [string, string, string][] = [
  ['A', 'A. Nest controller, inline (ceiling)', '64'],
  ['A-f', 'A-f. A on Fastify', '64'],
  ['B', 'B. Nest → Piscina, 2 threads (peer)', '64'],
  ['C', 'C. nestjs-serve, 2 thread replicas', '64'],
  ['C-f', 'C-f. C on Fastify', '64'],
  ['C.metrics', 'C with metrics on (`metrics.path` set)', '64'],
  ['A.noop', 'A.noop. A with a no-op `GET` (`{}`), default logger', '50'],
  ['B.noop', 'B.noop. B with the no-op, default logger', '50'],
  ['C.noop', 'C.noop. C with the no-op, default logger', '50'],
  ['D', 'D. nestjs-serve, 2 process replicas', '64'],
  ['J', 'J. nestjs-serve, 2 remote replicas (replica host over NATS, loopback)', '64'],
  ['E.unbatched', 'E. 2 ms + 0.05 ms/item, 1 replica, no batching', '64'],
  ['E.batched', 'E. same with `@Batch()`, maxBatchSize 32', '64'],
  ['F.1', 'F. ~5 ms CPU per request, 1 replica', '16'],
  ['F.2', 'F. ~5 ms CPU per request, 2 replicas', '16'],
  ['H.inline', 'H. sentiment (AFINN), inline in Nest', '32'],
  ['H.serve', 'H. sentiment (AFINN), nestjs-serve, 2 replicas', '32'],
  ['H-f', 'H-f. H.serve on Fastify', '32'],
  ['N.1', 'N. ONNX sentiment network, 2 thread replicas, `@Batch()` maxBatchSize 1', '64'],
  ['N.8', 'N. same, maxBatchSize 8', '64'],
  ['N.32', 'N. same, maxBatchSize 32', '64'],
  ['N.budget', 'N.budget. maxBatchSize 8, 1 intra-op thread per replica (cpusPerReplica 1)', '64'],
  ['N.unbounded', 'N.unbounded. maxBatchSize 8, onnxruntime default threads (1 per core per replica)', '64'],
  ['G.A', 'G. A at 1 connection', '1'],
  ['G.C', 'G. C at 1 connection', '1'],
  ['G.J', 'G. J at 1 connection', '1'],
];

const CPU_ROWS: [string, string][] = [
  ['A', 'A. inline'],
  ['A-f', 'A-f. inline, Fastify'],
  ['B', 'B. Piscina'],
  ['C', 'C. nestjs-serve, threads'],
  ['C-f', 'C-f. nestjs-serve, threads, Fastify'],
  ['C.metrics', 'C with metrics on'],
  ['A.noop', 'A.noop. inline no-op'],
  ['B.noop', 'B.noop. Piscina no-op'],
  ['C.noop', 'C.noop. nestjs-serve no-op'],
  ['D', 'D. nestjs-serve, processes'],
  ['F.1', 'F. CPU-bound, 1 replica'],
  ['F.2', 'F. CPU-bound, 2 replicas'],
  ['H.inline', 'H. sentiment inline'],
  ['H.serve', 'H. sentiment nestjs-serve'],
  ['H-f', 'H-f. sentiment nestjs-serve, Fastify'],
  ['N.1', 'N. ONNX network, maxBatchSize 1'],
  ['N.8', 'N. ONNX network, maxBatchSize 8'],
  ['N.32', 'N. ONNX network, maxBatchSize 32'],
  ['N.budget', 'N.budget. ONNX, CPU budget'],
  ['N.unbounded', 'N.unbounded. ONNX, unbounded threads'],
];

const HANDLE_ROWS: [string, string][] = [
  ['K', 'K. `getHandle(ep).remote()` in the host, nestjs-serve, 2 thread replicas'],
  ['K-piscina', 'K-piscina. `pool.run()`, Piscina, 2 threads'],
];

const MEMORY_ROWS: [string, string, number][] = [
  ['M.0', 'ServeModule, 0 replicas', 0],
  ['M.2t', '2 thread replicas', 2],
  ['M.8t', '8 thread replicas', 8],
  ['M.2p', '2 process replicas', 2],
];

/** Decimals a target's figure is shown with. */
function digitsOf(t: TargetCheck): number {
  return t.unit === '×' ? 2 : t.unit === 'ms' ? 3 : 1;
}

/** Formats a number for a table cell (`n/a` when missing). */
export function fmt(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function range(values: number[], digits = 0): string {
  const finite = values.filter(Number.isFinite);
  return finite.length > 1 ? ` [${fmt(Math.min(...finite), digits)}–${fmt(Math.max(...finite), digits)}]` : '';
}

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Renders the markdown of docs/reports/BENCHMARKS.md. */
export function renderReport(input: ReportInput): string {
  const { results: r, machine: m } = input;
  const med = (key: string): number => median(r.get(key));
  const throughput = table(
    [
      'row',
      'connections',
      'req/s (median [min–max])',
      'p50 ms',
      'p99 ms',
      'non-2xx + errors',
      'CPU cores: server / load generator / others',
    ],
    THROUGHPUT_ROWS.map(([id, label, conns]) => [
      label,
      conns,
      fmt(med(`${id}.rps`)) + range(r.get(`${id}.rps`)),
      fmt(med(`${id}.p50`), 2),
      fmt(med(`${id}.p99`), 2),
      fmt(med(`${id}.failures`)),
      `${fmt(med(`${id}.serverCores`), 2)} / ${fmt(med(`${id}.benchCores`), 2)} / ${fmt(med(`${id}.otherCores`), 2)}`,
    ]),
  );
  const cpu = table(
    ['server', 'main thread µs/req (ELU × wall)', 'main thread CPU µs/req (/proc)', 'whole process CPU µs/req'],
    CPU_ROWS.map(([id, label]) => [label, fmt(med(`${id}.eluUs`)), fmt(med(`${id}.mainUs`)), fmt(med(`${id}.procUs`))]),
  );
  const isolation = table(
    [
      'server',
      '/health p50 / p99 idle, ms',
      '/health p50 / p99 while /sentiment saturated, ms',
      '/sentiment req/s meanwhile',
    ],
    (
      [
        ['I.inline', 'sentiment inline in Nest'],
        ['I.serve', 'sentiment on nestjs-serve (2 replicas)'],
        ['I-f', 'sentiment on nestjs-serve (2 replicas), Fastify'],
      ] as const
    ).map(([k, label]) => [
      label,
      `${fmt(med(`${k}.idle.p50`), 2)} / ${fmt(med(`${k}.idle.p99`), 2)}`,
      `${fmt(med(`${k}.loaded.health.p50`), 2)} / ${fmt(med(`${k}.loaded.health.p99`), 2)}`,
      fmt(med(`${k}.loaded.sentiment.rps`)),
    ]),
  );
  const handles = table(
    [
      'row',
      'calls/s (median [min–max])',
      'main thread µs/call (ELU × wall)',
      'main thread CPU µs/call (/proc)',
      'whole process CPU µs/call',
      'failed calls',
      'CPU cores: server / others',
    ],
    HANDLE_ROWS.map(([id, label]) => [
      label,
      fmt(med(`${id}.cps`)) + range(r.get(`${id}.cps`)),
      fmt(med(`${id}.eluUs`), 2),
      fmt(med(`${id}.mainUs`), 2),
      fmt(med(`${id}.procUs`), 2),
      fmt(med(`${id}.failures`)),
      `${fmt(med(`${id}.serverCores`), 2)} / ${fmt(med(`${id}.otherCores`), 2)}`,
    ]),
  );
  const base = med('M.0.hostMb');
  const memory = table(
    ['host', 'start-up ms', 'host RSS MiB', 'replica processes RSS MiB (sum)', 'added per replica MiB'],
    MEMORY_ROWS.map(([id, label, n]) => {
      const host = med(`${id}.hostMb`);
      const children = med(`${id}.childrenMb`);
      const isProcess = id.endsWith('p');
      return [
        label,
        fmt(med(`${id}.startMs`)),
        fmt(host, 1),
        isProcess ? fmt(children, 1) : '–',
        n ? fmt((isProcess ? children : host - base) / n, 1) : '–',
      ];
    }),
  );
  const targets = table(
    ['target', 'measured as', 'value [rounds from–to]', 'result'],
    input.targets.map((t) => [
      t.target,
      t.measure,
      `${fmt(t.value, digitsOf(t))} ${t.unit}${range(t.rounds ?? [], digitsOf(t))}`,
      t.pass === undefined ? 'not measured' : t.pass ? '**pass**' : '**FAIL**',
    ]),
  );
  return `# Benchmarks

- Command: \`${input.command}\` (${input.rounds} round${input.rounds === 1 ? '' : 's'}, ${input.duration} s measured per headline phase, ${input.warmup} s warm-up; whole run ${fmt(input.elapsedSeconds)} s)
- Node ${m.node}; ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GiB RAM; load average (1, 5, 15 min) at start ${m.loadAverage}, at end ${input.loadAverageAtEnd} — other work on this shared machine competes for the same cores
- Date: ${input.date}
- Servers: ${input.runtime}
- Workloads calibrated at start: F = ${input.calibration.cpuIterations} hash iterations (~5 ms), H = ${input.calibration.sentimentRepeats} AFINN scorings of a ${REVIEW_TEXT.split(/\s+/).length}-word review (~3 ms)

All figures are medians over rounds. Ratios and differences are computed within each round (both sides measured minutes apart in this same run) and their median is shown, with the lowest and highest round in brackets: how far this machine's rounds spread.

## Targets

${targets}

## Throughput and latency

${throughput}

## Host main-thread cost per request

${cpu}

## Calls from the host without HTTP (256 in flight, no-op handler)

${handles}

## Isolation: a plain host route (\`GET /health\`, 1 connection) while \`/sentiment\` is saturated (32 connections)

${isolation}

## Memory (after start-up and a short warm-up)

${memory}

Added per replica: for thread replicas the growth of the host's RSS over the 0-replica host, ÷ n; for process replicas their own RSS, ÷ n (the host does not grow).
${r.errors.length ? `\n## Errors during the run\n\n${r.errors.map((e) => `- ${e}`).join('\n')}\n` : ''}
## Method

- Each server is its own child process (\`bench/servers/*.server.ts\`) listening on 127.0.0.1 at port 0; it reports its port over IPC. Every round starts each server in turn, in an order rotated by one each round, so machine drift hits all alike; every child (and its process group) is killed at the end, even on error.
- J is C's no-op backend with \`placement: 'remote'\`: its 2 thread replicas run in one other process, a replica host (the library's \`nestjs-serve replica\` command, from the same copy of the library as the app), and every request and answer crosses a NATS server on loopback. For each J run (so every round) the orchestrator starts \`nats-server\` on a port the OS picks (or uses \`$NATS_URL\` if set), then the replica host, then the app with \`cluster: { servers, prefix }\` under a random subject prefix; the app reports ready only once \`listBackends()\` shows both remote replicas ready, and the processes started for the run are stopped after it. J's "server" CPU cores add up the app, the replica host and the NATS server (when started here). Its targets compare it with C in the same round; with \`--only\` they need both ids (\`--only C,J\`).
- Load comes from autocannon's programmatic API in the orchestrator process, on the same machine (it competes for the same cores, alike for every server). Each server gets a warm-up at the same load before its first measured phase. Headline phases (A–D, H, J) are measured for the full duration; G, E and F for half of it, the isolation probes for 0.3 × (idle) and 0.5 × (loaded) — to fit the whole run in 10 minutes.
- K and K-piscina send no HTTP: on an IPC command the server itself keeps exactly 256 calls in flight (each settled call starts the next) for half the duration, after a warm-up of half the warm-up, then stops issuing and answers with the window's figures: calls settled, event-loop active time and the main thread's \`/proc\` CPU over the window, and \`process.cpuUsage()\`. K calls \`ServeService.getHandle('/hello').remote(payload)\` (C's no-op backend, 2 thread replicas); K-piscina calls \`pool.run(payload)\` on a Piscina pool of 2 threads running the same no-op. Both servers run in the same round; the target is the ratio of their calls/s within a round.
- N.1, N.8 and N.32 serve the sample app's ONNX sentiment network (\`sample-app/model/sentiment-nn.onnx\`: a bag of the AFINN-165 words → 16 ReLU → softmax, made by \`npm run make:model\`) through onnxruntime-node on 2 thread replicas, 1 intra-op thread each, with \`@Batch()\` and \`maxBatchSize\` 1, 8 and 32 (\`batchWaitTimeoutMs\` 0: a batch is what queued while the replica ran the previous one), under 64 connections posting the H review; each batch is one \`[batch, features]\` tensor and one \`session.run()\`. Measured for half the duration. N.budget and N.unbounded (issue 21) are N.8 with the session's \`intraOpNumThreads\` from the replica's CPU budget (\`replicaContext().cpus\`, \`cpusPerReplica\` default 1) against onnxruntime's default (\`ONNX_INTRA_OP_THREADS=0\`: one thread per core in each replica, so 4 on the 2 cores).
- A.noop, B.noop and C.noop (issue 19) are A, B and C as a user's app would measure them: a no-op \`GET\` handler returning \`{}\` (\`bench/backends/noop.backend.ts\`), 50 connections, and Nest's default logger (\`BENCH_LOGGER=default\`) instead of errors only.
- Latencies are recorded from autocannon's \`response\` events (float ms from \`process.hrtime\`), not its histogram, which rounds to whole ms. p50/p99 are over 2xx responses.
- Main-thread cost: each server exposes \`GET /__stats\` (\`process.cpuUsage()\`, \`performance.eventLoopUtilization()\`, and the main thread's own CPU from \`/proc/self/task/<pid>/stat\`), sampled right before and after the measured window. Because \`process.cpuUsage()\` counts every thread of the process (worker-thread replicas, Piscina workers, GC and libuv threads), the main-thread measure is the event loop's active time (ELU × wall time) per request; the \`/proc\` column is a cross-check with 10 ms tick resolution, and the last column shows the whole process.
- CPU cores per row: during each measured window the orchestrator samples \`/proc/stat\` (whole machine), \`/proc/<pid>/stat\` of the server and its child processes, and its own \`process.cpuUsage()\` (autocannon); "others" is the rest of the machine's busy time — other work on this shared host, which takes cores away from the server (the machine has ${input.machine.cores}).
- Memory is the host's VmRSS from \`/proc/<pid>/status\`; process replicas' RSS is summed separately from \`/proc/<child>/status\`.
- \`--profile\` writes a main-thread CPU profile of every measured window (started and stopped over IPC through \`node:inspector\`, so start-up and warm-up are left out) under \`.bench-tmp/profiles/\` and prints the top functions by self time, by package, and the library's functions by inclusive time.
- Servers and replicas run transpiled JavaScript (\`.bench-tmp/js\`, made by the orchestrator with \`@swc/core\`) as a production build would; under \`-r @swc-node/register\` every replica thread would load the TypeScript compiler and recompile the sources, which inflates memory and start-up (\`--from-source\` runs them that way).
`;
}
