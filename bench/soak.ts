/**
 * Soak run (`npm run soak`): half-capacity load on a thread and a process backend for 10 minutes
 * (or `--minutes` / `--seconds`), a control change every 5 s, a process replica SIGKILLed every
 * 30 s; reports answers, hung requests, 503s near kills, host memory after GC and its slope, and
 * the host's threads, fds and children. See the head of `docs/reports/SOAK.md` (SOAK_HOWTO).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SoakBackendState, SoakChangeResult, SoakMemory } from './servers/soak.controller';
import { SOAK_BASE_REPLICAS } from './servers/soak.plan';
import { compileForServers } from './lib/compile';
import { killAllServers, startServer, type RunningServer } from './lib/child';
import { runLoad } from './lib/load';
import { childPids, cpuShares, cpuSnapshot } from './lib/probe';
import { parseSoakArgs } from './lib/soak.args';
import {
  RSS_JUDGED_FROM_MS,
  classify503s,
  resourceGrowth,
  rssWindowStartMs,
  slopeMbPerMin,
  soakFailures,
  type MemorySample,
  type ResourceCount,
} from './lib/soak.analysis';
import { renderSoakReport, type SoakFigures } from './lib/soak.report';

const CHANGE_EVERY_MS = 5000;
const KILL_EVERY_MS = 30_000;
const KILL_OFFSET_MS = 2500;
const CAPACITY_PROBE_S = 5;
const CAPACITY_CONNECTIONS = 32;
const LOAD_CONNECTIONS = 16;
const CLIENT_TIMEOUT_S = 10;
/** How long the host may take to come back to rest (replicas replaced, sockets closed) after the load, ms. */
const SETTLE_MS = 20_000;

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const args = parseSoakArgs(process.argv.slice(2));
  const root = join(__dirname, '..');
  const durationMs = args.seconds * 1000;
  const out = args.out ?? (durationMs >= RSS_JUDGED_FROM_MS ? join(root, 'docs/reports/SOAK.md') : '-');
  const snapshotDir = join(root, '.bench-tmp/soak');
  // plain JavaScript, as in a production build: under the TS loader every thread replica would
  // load the compiler too, and their heaps (part of the host's RSS) would dwarf the host's own
  const codeDir = join(root, '.bench-tmp/soak-js');
  compileForServers(root, codeDir);
  const server = await startServer({
    script: join(codeDir, 'bench/servers/soak.server.js'),
    env: {},
    execArgv: ['--expose-gc'],
  });
  let failed: boolean;
  try {
    failed = await soak(server, args, durationMs, out, snapshotDir);
  } finally {
    await server.stop();
    killAllServers();
  }
  process.exit(failed ? 1 : 0);
}

async function soak(
  server: RunningServer,
  args: ReturnType<typeof parseSoakArgs>,
  durationMs: number,
  out: string,
  snapshotDir: string,
): Promise<boolean> {
  const base = `http://127.0.0.1:${server.port}/__soak`;
  const call = async <T>(path: string, body?: object): Promise<T> => {
    const res = await fetch(`${base}/${path}`, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  const startedAt = new Date().toISOString();
  let capacity: number | undefined;
  let rate = args.rate;
  if (rate === undefined) {
    const probe = await runLoad(server.port, { path: '/soak', connections: CAPACITY_CONNECTIONS }, CAPACITY_PROBE_S);
    capacity = probe.rps;
    rate = Math.max(1, Math.round(capacity / 2));
  }
  await sleep(2000);
  // the soak's own control connection (fetch keeps it alive) is open at both counts
  await call<Record<string, SoakBackendState>>('state');
  const start = resources(server.pid);
  log(
    `capacity ${capacity?.toFixed(0) ?? '(not measured)'} req/s, offering ${rate} req/s for ${args.seconds} s; host at start ${JSON.stringify(start)}`,
  );

  const statuses = new Map<number, number>();
  const times503: number[] = [];
  const kills: SoakFigures['kills'] = [];
  const memory: MemorySample[] = [];
  const changes: SoakFigures['changes'] = { applied: 0, rejected: [], skipped: 0, ms: [] };
  const snapshots: string[] = [];
  const windowStartMs = rssWindowStartMs(durationMs);
  let step = 0;
  let changing: Promise<void> | undefined;
  let sampling: Promise<void> | undefined;
  const loadStarted = performance.now();
  const since = (): number => performance.now() - loadStarted;

  const changeTimer = setInterval(() => {
    if (changing) {
      changes.skipped++;
      return;
    }
    changing = call<SoakChangeResult>('change', { step: step++ })
      .then((r) => {
        if (r.error) changes.rejected.push(`${r.change.kind}: ${r.error}`);
        else changes.applied++;
        changes.ms.push(r.ms);
      })
      .catch((err: Error) => void changes.rejected.push(err.message))
      .finally(() => (changing = undefined));
  }, CHANGE_EVERY_MS);
  let killTimer: NodeJS.Timeout | undefined;
  const killOffset = setTimeout(() => {
    const kill = (): void => {
      const victims = childPids(server.pid);
      if (victims.length === 0) return;
      const pid = victims[Math.floor(Math.random() * victims.length)];
      try {
        process.kill(pid, 'SIGKILL');
        kills.push({ atMs: since(), pid });
      } catch {
        // it ended on its own (a scale-down) between the scan and the kill
      }
    };
    kill();
    killTimer = setInterval(kill, KILL_EVERY_MS);
  }, KILL_OFFSET_MS);
  const sampleEveryMs = Math.min(10_000, Math.max(1000, durationMs / 60));
  let snapshotTaken = false;
  const sampleTimer = setInterval(() => {
    if (sampling) return;
    sampling = (async () => {
      if (args.heapSnapshots && !snapshotTaken && since() >= windowStartMs) {
        snapshotTaken = true;
        snapshots.push(await snapshot(call, snapshotDir, 'host-window-start'));
      }
      const atMs = since();
      const m = await call<SoakMemory>('memory');
      memory.push({
        atMs,
        rssMb: m.rss / MB,
        heapUsedMb: m.heapUsed / MB,
        heapTotalMb: m.heapTotal / MB,
        externalMb: m.external / MB,
        arrayBuffersMb: m.arrayBuffers / MB,
        threads: resources(server.pid).threads,
        activeResources: m.activeResources,
      });
    })()
      .catch((err: Error) => log(`memory sample failed: ${err.message}`))
      .finally(() => (sampling = undefined));
  }, sampleEveryMs);

  const cpuBefore = cpuSnapshot([server.pid]);
  const result = await runLoad(
    server.port,
    { path: '/soak', connections: LOAD_CONNECTIONS, rate, timeoutSeconds: CLIENT_TIMEOUT_S },
    args.seconds,
    (status) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 503) times503.push(since());
    },
  );
  const cpuAfter = cpuSnapshot([server.pid]);
  clearInterval(changeTimer);
  clearTimeout(killOffset);
  clearInterval(killTimer);
  clearInterval(sampleTimer);
  await changing;
  await sampling;
  if (args.heapSnapshots) snapshots.push(await snapshot(call, snapshotDir, 'host-end'));

  await call('reset', {});
  const end = await settle(server.pid, start, async () => {
    const state = await call<Record<string, SoakBackendState>>('state');
    return Object.values(state).every((b) => b.ready === SOAK_BASE_REPLICAS && b.replicas === SOAK_BASE_REPLICAS);
  });
  const windowed = memory.filter((s) => s.atMs >= windowStartMs);
  const slopes = {
    rss: slopeMbPerMin(windowed, 'rssMb'),
    heapUsed: slopeMbPerMin(windowed, 'heapUsedMb'),
    heapTotal: slopeMbPerMin(windowed, 'heapTotalMb'),
    external: slopeMbPerMin(windowed, 'externalMb'),
  };
  const resting = windowed.filter((s) => s.threads === start.threads);
  const restingRss = { slope: slopeMbPerMin(resting, 'rssMb'), samples: resting.length };
  const growth = resourceGrowth(start, end);
  const failures = soakFailures({
    hung: result.timeouts,
    connectionErrors: result.connectionErrors,
    growth,
    durationMs,
    rssSlopeMbPerMin: slopes.rss,
    heapSnapshots: args.heapSnapshots,
  });
  const figures: SoakFigures = {
    command: `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt,
    seconds: args.seconds,
    capacity,
    rate,
    statuses,
    hung: result.timeouts,
    connectionErrors: result.connectionErrors,
    kills,
    classified: classify503s(
      times503,
      kills.map((k) => k.atMs),
    ),
    changes,
    windowStartMs,
    memory,
    slopes,
    restingRss,
    start,
    end,
    othersCores: cpuShares(cpuBefore, cpuAfter).others,
    hostCores: cpus().length,
    failures,
    snapshots,
  };
  const report = renderSoakReport(figures);
  if (out !== '-') {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, report);
  }
  process.stdout.write(report);
  const samplesOut = join(snapshotDir, 'memory-samples.json');
  mkdirSync(snapshotDir, { recursive: true });
  writeFileSync(samplesOut, JSON.stringify({ windowStartMs, memory, kills }, null, 1));
  return failures.length > 0;
}

/** Threads, open fds and child processes of `pid`. */
function resources(pid: number): ResourceCount {
  return {
    threads: readdirSync(`/proc/${pid}/task`).length,
    fds: readdirSync(`/proc/${pid}/fd`).length,
    children: childPids(pid).length,
  };
}

/**
 * Waits until the backends are at rest (`atRest`) and the host's counts are back to `start` (keep-alive
 * sockets closing, replacements starting), at most {@link SETTLE_MS}; returns the last counts.
 */
async function settle(pid: number, start: ResourceCount, atRest: () => Promise<boolean>): Promise<ResourceCount> {
  const deadline = performance.now() + SETTLE_MS;
  let counts = resources(pid);
  while (performance.now() < deadline) {
    counts = resources(pid);
    if ((await atRest()) && resourceGrowth(start, counts).length === 0) return counts;
    await sleep(500);
  }
  return counts;
}

async function snapshot(
  call: <T>(path: string, body?: object) => Promise<T>,
  dir: string,
  name: string,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const { file, ms } = await call<{ file: string; ms: number }>('heap-snapshot', {
    file: join(dir, `${name}.heapsnapshot`),
  });
  log(`heap snapshot ${file} (${ms.toFixed(0)} ms)`);
  return file;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(line: string): void {
  process.stderr.write(`[soak] ${line}\n`);
}

main().catch((err) => {
  process.stderr.write(`soak run failed: ${err instanceof Error ? err.stack : err}\n`);
  killAllServers();
  process.exit(1);
});
