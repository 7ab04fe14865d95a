/**
 * Overload run (`npm run bench:overload`): offers ten times a backend's capacity for 20 s and
 * reports what callers saw — answered, accepted, rejected with 503 + Retry-After, failed —
 * the latency of accepted requests, and the host's memory over the run. Writes docs/reports/OVERLOAD.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { killAllServers, startServer } from './lib/child';
import { rssMb } from './lib/probe';
import { percentile } from './lib/stats';

const CAPACITY = 200;
/** Latencies of the first seconds (connections being opened) are left out. */
const WARMUP_MS = 3000;
const SECONDS = Number(process.argv[process.argv.indexOf('--duration') + 1]) || 20;

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const server = await startServer({
    script: join(__dirname, 'servers/serve.server.ts'),
    env: { BENCH_BACKEND: `${join(__dirname, 'backends/overload.backend.ts')}#OverloadBackend` },
    execArgv: ['-r', '@swc-node/register'],
  });
  try {
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMb(server.pid)), 1000);
    const latency: Record<'accepted' | 'rejected', number[]> = { accepted: [], rejected: [] };
    const statuses = new Map<number, number>();
    let retryAfterMissing = 0;
    const result = await pacedLoad(server.port, CAPACITY * 10, SECONDS, (status, ms, retryAfter, sentAtMs) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (sentAtMs >= WARMUP_MS) (status === 200 ? latency.accepted : latency.rejected).push(ms);
      if (status === 503 && retryAfter !== '1') retryAfterMissing++;
    });
    clearInterval(sampler);
    const sent = result.sent;
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    const lines = [
      '# Overload run',
      '',
      `- Command: \`npm run bench:overload\` (${SECONDS} s; ${new Date().toISOString()}; Node ${process.version}; 2 cores)`,
      "- Load: an open loop that sends requests at an even pace (every 5 ms) over keep-alive connections, whatever the answers; autocannon's `overallRate` sends in bursts, which starves a bounded queue between bursts",
      `- Backend: 2 thread replicas × maxConcurrentQueries 2, handler waits 20 ms → capacity ≈ ${CAPACITY} req/s; maxQueuedRequests 16; offered ${CAPACITY * 10} req/s (10 ×) `,
      '',
      '| requests sent | answered | 200 | 503 (saturated) | other status | connection errors | unanswered |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      `| ${sent} | ${answered} | ${statuses.get(200) ?? 0} | ${statuses.get(503) ?? 0} | ${answered - (statuses.get(200) ?? 0) - (statuses.get(503) ?? 0)} | ${result.errors} | ${result.unanswered} |`,
      '',
      '| latency ms (after the first 3 s) | p50 | p99 | max |',
      '| --- | --- | --- | --- |',
      `| accepted (200) | ${percentile(latency.accepted, 50).toFixed(1)} | ${percentile(latency.accepted, 99).toFixed(1)} | ${Math.max(...latency.accepted).toFixed(1)} |`,
      `| rejected (503) | ${percentile(latency.rejected, 50).toFixed(1)} | ${percentile(latency.rejected, 99).toFixed(1)} | ${Math.max(...latency.rejected).toFixed(1)} |`,
      '',
      `Accepted throughput ${((statuses.get(200) ?? 0) / SECONDS).toFixed(0)} req/s. 503s without \`Retry-After: 1\`: ${retryAfterMissing}.`,
      `Host RSS (MiB) sampled every second: first ${rss[0]?.toFixed(1)}, min ${Math.min(...rss).toFixed(1)}, max ${Math.max(...rss).toFixed(1)}, last ${rss[rss.length - 1]?.toFixed(1)}.`,
      '',
    ];
    const out = process.argv.includes('--smoke') ? undefined : join(root, 'docs', 'reports', 'OVERLOAD.md');
    if (out) writeFileSync(out, lines.join('\n'));
    process.stdout.write(lines.join('\n'));
  } finally {
    await server.stop();
    killAllServers();
  }
}

/** Sends `rate` requests per second, evenly paced, for `seconds`; reports each answer. */
function pacedLoad(
  port: number,
  rate: number,
  seconds: number,
  onAnswer: (status: number, ms: number, retryAfter: string | undefined, sentAtMs: number) => void,
): Promise<{ sent: number; errors: number; unanswered: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const tickMs = 5;
  const perTick = (rate * tickMs) / 1000;
  let sent = 0;
  let errors = 0;
  let pending = 0;
  const started = performance.now();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / tickMs) * perTick) - sent;
      for (let i = 0; i < due; i++) {
        sent++;
        pending++;
        const at = performance.now();
        const req = request({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
          res.resume();
          res.on('end', () => {
            pending--;
            onAnswer(
              res.statusCode ?? 0,
              performance.now() - at,
              res.headers['retry-after'] as string | undefined,
              at - started,
            );
          });
        });
        req.on('error', () => {
          pending--;
          errors++;
        });
        req.end();
      }
      if (performance.now() - started >= seconds * 1000) {
        clearInterval(timer);
        const waitForAnswers = setInterval(() => {
          if (pending === 0 || performance.now() - started > (seconds + 10) * 1000) {
            clearInterval(waitForAnswers);
            agent.destroy();
            resolve({ sent, errors, unanswered: pending });
          }
        }, 50);
      }
    }, tickMs);
  });
}

main().catch((err) => {
  process.stderr.write(`overload run failed: ${err instanceof Error ? err.stack : err}\n`);
  killAllServers();
  process.exit(1);
});
