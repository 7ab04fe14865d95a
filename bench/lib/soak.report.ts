import { median } from './stats';
import {
  KILL_WINDOW_MS,
  RSS_SLOPE_BOUND_MB_PER_MIN,
  type Classified503s,
  type MemorySample,
  type ResourceCount,
} from './soak.analysis';

/** Everything one soak run measured, for the report. */
export interface SoakFigures {
  command: string;
  startedAt: string;
  seconds: number;
  /** Measured capacity (req/s) or undefined when `--rate` was given. */
  capacity?: number;
  rate: number;
  statuses: Map<number, number>;
  hung: number;
  connectionErrors: number;
  kills: { atMs: number; pid: number }[];
  classified: Classified503s;
  changes: { applied: number; rejected: string[]; skipped: number; ms: number[] };
  windowStartMs: number;
  memory: MemorySample[];
  slopes: { rss: number; heapUsed: number; heapTotal: number; external: number };
  /** RSS slope over the window's samples taken with the resting thread count (no third thread replica running), MB/min, and how many. */
  restingRss: { slope: number; samples: number };
  start: ResourceCount;
  end: ResourceCount;
  /** CPU of everything else on the machine during the load, cores. */
  othersCores: number;
  hostCores: number;
  failures: string[];
  snapshots: string[];
}

/** How to run the soak and what it checks (the head of `docs/reports/SOAK.md`). */
export const SOAK_HOWTO = `# Soak

\`npm run soak\` runs the soak for 10 minutes (\`-- --minutes N\` or \`-- --seconds N\` to change it; CI runs
\`npm run soak -- --seconds 30\`). It starts the Nest app of \`bench/servers/soak.server.ts\` in its own
process (transpiled to JavaScript under \`.bench-tmp/soak-js\`, as the benchmark does, and run with
\`--expose-gc\`): endpoint \`/soak\` split between \`SoakThreadBackend\` (2 thread replicas)
and \`SoakProcessBackend\` (2 process replicas). It measures the capacity of \`GET /soak\` for 5 s
(autocannon, 32 connections) and then offers half of it (\`-- --rate N\` takes a fixed rate instead)
from autocannon in the soak's own process, on 127.0.0.1 only, with a 10 s client timeout. Meanwhile:

- every 5 s a control change, in cycles of four: a \`userConfig\` update, a traffic split change
  (25/50/75 % to the thread backend), a scale-up by one replica, a scale-down back to 2 —
  alternating between the process and the thread backend;
- every 30 s (from 2.5 s on) a SIGKILL of a random process replica of the host;
- host memory sampled after a full GC (\`GET /__soak/memory\` on the host runs \`gc()\` and returns
  \`process.memoryUsage()\`), every 10 s (every duration/60 s, at least 1 s, for short runs).

It reports requests by status; hung requests (no answer within the client timeout); every 503 and
whether it came within ${KILL_WINDOW_MS / 1000} s after a kill; host RSS, heapUsed and external from minute 2 (from 20 % of
the run for runs under 10 minutes) to the end with their least-squares slopes; threads
(\`/proc/<pid>/task\`), open fds (\`/proc/<pid>/fd\`) and child processes of the host before the
load and after it (once both backends are back at 2 ready replicas). It exits non-zero when a
request hung or ended in a connection error, when threads, fds or children grew, or (runs of
5 minutes or more) when the RSS slope exceeds ${RSS_SLOPE_BOUND_MB_PER_MIN} MB/min. \`-- --heap-snapshots\` also writes host
heap snapshots at the start of the RSS window and at the end (\`.bench-tmp/soak/\`; each stalls the
host for a second or more and leaves ~40 MB of RSS with the allocator, so such a run reports RSS but is not
judged on it); \`node -r @swc-node/register bench/heap-compare.ts a.heapsnapshot b.heapsnapshot\`
compares their object counts by constructor. Every sample is also kept in
\`.bench-tmp/soak/memory-samples.json\`. A run of 5 minutes or more writes this file; shorter ones print
to stdout (\`-- --out file\` to choose). Whether memory is flat, with heap snapshots and a longer run:
[SOAK-MEMORY.md](SOAK-MEMORY.md).

The machine is shared (2 cores, other jobs running): load figures are noisy; the report gives the
CPU the rest of the machine used during the run.
`;

const mb = (n: number): string => n.toFixed(1);

function resourcesLine(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
}

/** The Markdown report of one soak run. */
export function renderSoakReport(f: SoakFigures): string {
  const total = [...f.statuses.values()].reduce((a, b) => a + b, 0);
  const statusCells = [...f.statuses.entries()].sort(([a], [b]) => a - b);
  const rss = f.memory.map((s) => s.rssMb);
  const windowed = f.memory.filter((s) => s.atMs >= f.windowStartMs);
  const first = windowed[0];
  const last = windowed[windowed.length - 1];
  const lines = [
    SOAK_HOWTO,
    `## Run of ${f.startedAt}`,
    '',
    `- Command: \`${f.command}\`; ${f.seconds} s of load; Node ${process.version}; ${f.hostCores} cores`,
    `- Load: ${f.capacity === undefined ? `${f.rate} req/s as given` : `capacity ${f.capacity.toFixed(0)} req/s measured, ${f.rate} req/s offered`}; the rest of the machine used ${f.othersCores.toFixed(2)} cores meanwhile`,
    `- Result: **${f.failures.length === 0 ? 'pass' : `FAIL — ${f.failures.join('; ')}`}**`,
    '',
    `| requests | ${statusCells.map(([s]) => s).join(' | ')} | hung | connection errors |`,
    `| --- | ${statusCells.map(() => '---').join(' | ')} | --- | --- |`,
    `| ${total} | ${statusCells.map(([, n]) => n).join(' | ')} | ${f.hung} | ${f.connectionErrors} |`,
    '',
    `- Replica kills (SIGKILL): ${f.kills.length}; 503s within ${KILL_WINDOW_MS / 1000} s after a kill: ${f.classified.nearKill}; other 503s: ${f.classified.elsewhere.length}${
      f.classified.elsewhere.length
        ? ` (at ${f.classified.elsewhere
            .slice(0, 20)
            .map((t) => `${(t / 1000).toFixed(1)} s`)
            .join(', ')}${f.classified.elsewhere.length > 20 ? ', …' : ''})`
        : ''
    }`,
    `- Control changes: ${f.changes.applied} applied (median ${median(f.changes.ms).toFixed(0)} ms, max ${Math.max(0, ...f.changes.ms).toFixed(0)} ms to take effect), ${f.changes.rejected.length} rejected${f.changes.rejected.length ? ` (${f.changes.rejected.slice(0, 3).join('; ')})` : ''}, ${f.changes.skipped} skipped (previous one still running)`,
    '',
    `Host memory after a full GC, from ${(f.windowStartMs / 1000).toFixed(0)} s to the end (${windowed.length} samples):`,
    '',
    '| MB | first | last | min | max | slope MB/min |',
    '| --- | --- | --- | --- | --- | --- |',
    ...(first && last
      ? (
          [
            ['RSS', 'rssMb', f.slopes.rss],
            ['heapTotal', 'heapTotalMb', f.slopes.heapTotal],
            ['heapUsed', 'heapUsedMb', f.slopes.heapUsed],
            ['external', 'externalMb', f.slopes.external],
          ] as const
        ).map(([label, key, slope]) => {
          const values = windowed.map((s) => s[key]);
          return `| ${label} | ${mb(first[key])} | ${mb(last[key])} | ${mb(Math.min(...values))} | ${mb(Math.max(...values))} | ${slope.toFixed(2)} |`;
        })
      : ['| (no samples) | | | | | |']),
    '',
    `RSS includes the heaps of the thread replicas (threads of the host process, collected on their own schedule, not by the host's \`gc()\`) and a third thread replica during half of the thread backend's scale cycles; over the ${f.restingRss.samples} samples taken with the resting thread count (${f.start.threads}) the RSS slope is ${f.restingRss.slope.toFixed(2)} MB/min.`,
    '',
    `Active resources of the host (timers, sockets; \`process.getActiveResourcesInfo()\`) in the first and last sample of the window: ${first && last ? `${resourcesLine(first.activeResources)} → ${resourcesLine(last.activeResources)}` : 'no samples'}.`,
    '',
    `RSS over the whole run: ${rss.length ? `${mb(rss[0])} MB at the first sample, ${mb(rss[rss.length - 1])} MB at the last` : 'no samples'}.`,
    '',
    '| host | threads | fds | child processes |',
    '| --- | --- | --- | --- |',
    `| before the load | ${f.start.threads} | ${f.start.fds} | ${f.start.children} |`,
    `| after it, at rest again | ${f.end.threads} | ${f.end.fds} | ${f.end.children} |`,
    '',
    ...(f.snapshots.length ? [`Heap snapshots: ${f.snapshots.map((s) => `\`${s}\``).join(', ')}.`, ''] : []),
  ];
  return lines.join('\n');
}
