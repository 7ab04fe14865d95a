/**
 * `npm run bench:streaming`: the streaming rows of issue 15, against one server child
 * (`servers/stream.server.ts`) that serves the same generators through nestjs-serve (`/s/...`,
 * one thread replica) and inline in a Nest controller (`/inline/...`). Paired runs alternate
 * served / inline so both see the same machine load; medians and ratios are what to quote.
 * Writes `docs/reports/STREAMING.md` (`--out -`: stdout only). Targets 127.0.0.1 only.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const SLOW_STREAMS = Number(process.env.BENCH_SLOW_STREAMS ?? 1000);
const SLOW_SECONDS = Number(process.env.BENCH_SLOW_SECONDS ?? 30);

interface Stats {
  rss: number;
  mainThreadCpuMs?: number;
}

function get(
  port: number,
  path: string,
  agent: http.Agent,
): Promise<{ firstMs: number; totalMs: number; bytes: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let firstMs = -1;
        let bytes = 0;
        res.on('data', (d: Buffer) => {
          if (firstMs < 0) firstMs = performance.now() - started;
          bytes += d.length;
        });
        res.on('end', () => resolve({ firstMs, totalMs: performance.now() - started, bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function stats(port: number): Promise<Stats> {
  const agent = new http.Agent();
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port, path: '/__stats', agent }, (res) => {
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', resolve);
      })
      .on('error', reject),
  );
  return JSON.parse(Buffer.concat(chunks).toString()) as Stats;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const out = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : undefined;
  const child = fork(join(ROOT, 'bench/servers/stream.server.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) =>
    child.on('message', (m: { type?: string; port?: number }) => m.type === 'ready' && resolve(m.port!)),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2000 });
  const rows: string[] = [];
  try {
    // Time to first chunk: sequential, alternating, after a warm-up.
    const first = { s: [] as number[], inline: [] as number[] };
    for (let i = 0; i < 600; i++) {
      const kind = i % 2 === 0 ? 's' : 'inline';
      const r = await get(port, `/${kind}/first`, agent);
      if (i >= 100) first[kind].push(r.firstMs);
    }
    const ttfc = { s: median(first.s), inline: median(first.inline) };
    rows.push(
      `| time to first chunk, p50 (SSE, yields at once; 250 sequential each) | ${ttfc.s.toFixed(2)} ms | ${ttfc.inline.toFixed(2)} ms | +${(ttfc.s - ttfc.inline).toFixed(2)} ms (target ≤ 0.5 ms) |`,
    );

    // One stream of 100k tiny chunks.
    const one = { s: [] as number[], inline: [] as number[] };
    for (let i = 0; i < 6; i++) {
      const kind = i % 2 === 0 ? 's' : 'inline';
      const r = await get(port, `/${kind}/tiny?n=100000`, agent);
      if (r.bytes !== 100_000) throw new Error(`${kind}: ${r.bytes} bytes`);
      one[kind].push(100_000 / (r.totalMs / 1000));
    }
    const oneRate = { s: median(one.s), inline: median(one.inline) };
    rows.push(
      `| chunks/s, one stream of 100k 1-byte chunks (median of 3) | ${Math.round(oneRate.s)} | ${Math.round(oneRate.inline)} | ${(oneRate.s / oneRate.inline).toFixed(2)} × (target ≥ 0.5) |`,
    );

    // 64 concurrent streams of 10k chunks each.
    const many = { s: [] as number[], inline: [] as number[] };
    for (let i = 0; i < 6; i++) {
      const kind = i % 2 === 0 ? 's' : 'inline';
      const started = performance.now();
      await Promise.all(Array.from({ length: 64 }, () => get(port, `/${kind}/tiny?n=10000`, agent)));
      many[kind].push(640_000 / ((performance.now() - started) / 1000));
    }
    const manyRate = { s: median(many.s), inline: median(many.inline) };
    rows.push(
      `| chunks/s, 64 concurrent streams × 10k chunks (median of 3) | ${Math.round(manyRate.s)} | ${Math.round(manyRate.inline)} | ${(manyRate.s / manyRate.inline).toFixed(2)} × (target ≥ 1) |`,
    );

    // Slow streams: host RSS growth and main-thread CPU while they are held.
    for (const kind of ['s', 'inline'] as const) {
      const before = await stats(port);
      const streams = Promise.all(
        Array.from({ length: SLOW_STREAMS }, () => get(port, `/${kind}/slow?n=${SLOW_SECONDS}`, agent)),
      );
      await new Promise((r) => setTimeout(r, (SLOW_SECONDS * 1000) / 2));
      const during = await stats(port);
      await streams;
      const after = await stats(port);
      const cpuMs = (after.mainThreadCpuMs ?? 0) - (before.mainThreadCpuMs ?? 0);
      rows.push(
        `| ${SLOW_STREAMS} slow streams (1 chunk/s, ${SLOW_SECONDS} s), ${kind === 's' ? 'served' : 'inline'}: host RSS growth (at half time), main-thread CPU | +${((during.rss - before.rss) / 2 ** 20).toFixed(1)} MiB | ${cpuMs.toFixed(0)} ms CPU (${((cpuMs / (SLOW_SECONDS * 1000)) * 100).toFixed(1)} % of one core) | |`,
      );
    }
  } finally {
    child.send({ type: 'stop' });
    agent.destroy();
  }
  const report = [
    '# Streaming benchmarks',
    '',
    `Generated by \`npm run bench:streaming\` on ${new Date().toISOString()} (Node ${process.version}). One server child:`,
    'the same generators served by nestjs-serve (one thread replica) and inline in a Nest controller',
    'writing the socket itself; served and inline runs alternate. The machine is shared and noisy:',
    'read medians and ratios, not absolute figures.',
    '',
    '| figure | served | inline | served vs inline |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(report);
  if (out !== '-') writeFileSync(out ?? join(ROOT, 'docs/reports/STREAMING.md'), report);
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
