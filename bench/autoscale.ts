/**
 * Autoscaling under a step load (issue 13): a backend with ~5 ms of CPU per request, autoscaling
 * between 1 and `--max` replicas (2 on a 2-core machine), gets 1 × → 8 × → 1 × the load one
 * replica carries (closed loops of 2, 16 and 2 connections: `targetOngoingRequests` is 2), each
 * step `--seconds` long. Reports when the replica count moved, the direction changes (one per
 * step is the target), failed requests and p99 per step; then the time a request takes to be
 * answered by a backend scaled to zero. Writes docs/reports/AUTOSCALE.md (`--out -`: stdout).
 * Only 127.0.0.1 is targeted; every load stops by itself.
 */
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { killAllServers, startServer, type RunningServer } from './lib/child';
import { runLoad, type LoadResult } from './lib/load';

interface Options {
  seconds: number;
  max: number;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { seconds: 30, max: 2, out: join(__dirname, '..', 'docs', 'reports', 'AUTOSCALE.md') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--seconds') options.seconds = Number(value);
    else if (flag === '--max') options.max = Number(value);
    else if (flag === '--out') options.out = value;
    else throw new Error(`unknown option ${flag}: use --seconds N, --max N, --out FILE|-`);
    i++;
  }
  return options;
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function replicaCount(server: RunningServer): Promise<number> {
  return (JSON.parse((await get(server.port, '/__autoscale')).body) as { numReplicas: number }).numReplicas;
}

function start(autoscaling: object): Promise<RunningServer> {
  return startServer({
    script: join(__dirname, 'servers', 'autoscale.server.ts'),
    execArgv: ['-r', '@swc-node/register'],
    env: {
      BENCH_BACKEND: `${join(__dirname, 'backends', 'autoscale.backend.ts')}#AutoscaledWork`,
      BENCH_AUTOSCALING: JSON.stringify(autoscaling),
    },
  });
}

interface Step {
  connections: number;
  result: LoadResult;
  /** ms into the step at which each count change was seen. */
  moves: { at: number; to: number }[];
}

async function stepLoad(options: Options): Promise<{ steps: Step[]; timeline: { at: number; count: number }[] }> {
  const server = await start({
    minReplicas: 1,
    maxReplicas: options.max,
    upscaleDelayMs: 1000,
    downscaleDelayMs: 10_000,
  });
  const timeline: { at: number; count: number }[] = [];
  const t0 = performance.now();
  let last = await replicaCount(server);
  timeline.push({ at: 0, count: last });
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const count = await replicaCount(server);
      if (count !== last) timeline.push({ at: Math.round(performance.now() - t0), count });
      last = count;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const steps: Step[] = [];
  try {
    for (const connections of [2, 16, 2]) {
      const stepStart = performance.now() - t0;
      const result = await runLoad(server.port, { path: '/work', connections, timeoutSeconds: 30 }, options.seconds);
      const moves = timeline.filter((p) => p.at >= stepStart && p.at < stepStart + options.seconds * 1000);
      steps.push({ connections, result, moves: moves.map((m) => ({ at: Math.round(m.at - stepStart), to: m.count })) });
    }
  } finally {
    sampling = false;
    await sampler;
    await server.stop();
  }
  return { steps, timeline };
}

async function fromZero(): Promise<{ idleMs: number; answerMs: number; status: number }> {
  const server = await start({ minReplicas: 0, maxReplicas: 1, downscaleDelayMs: 2000 });
  try {
    await get(server.port, '/work');
    const idleStart = performance.now();
    while ((await replicaCount(server)) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    const idleMs = performance.now() - idleStart;
    const sent = performance.now();
    const answer = await get(server.port, '/work');
    return { idleMs: Math.round(idleMs), answerMs: Math.round(performance.now() - sent), status: answer.status };
  } finally {
    await server.stop();
  }
}

function report(
  options: Options,
  run: Awaited<ReturnType<typeof stepLoad>>,
  zero: Awaited<ReturnType<typeof fromZero>>,
): string {
  const counts = run.timeline.map((p) => p.count);
  let changes = 0;
  for (let i = 2; i < counts.length; i++) {
    if (Math.sign(counts[i] - counts[i - 1]) !== Math.sign(counts[i - 1] - counts[i - 2])) changes++;
  }
  const rows = run.steps.map((s, i) => {
    const failed = s.result.failures;
    const moves = s.moves.map((m) => `→ ${m.to} at ${(m.at / 1000).toFixed(1)} s`).join(', ') || 'none';
    return `| ${i + 1} | ${s.connections} (${s.connections / 2} ×) | ${s.result.rps.toFixed(0)} | ${s.result.p50.toFixed(1)} | ${s.result.p99.toFixed(1)} | ${failed} | ${moves} |`;
  });
  return [
    '# Autoscaling under a step load',
    '',
    `Command: \`npm run bench:autoscale -- --seconds ${options.seconds} --max ${options.max}\` (${new Date().toISOString()}, ${process.version}).`,
    'A backend with about 5 ms of CPU per request (thread replicas), `autoscaling: { minReplicas: 1, maxReplicas: ' +
      `${options.max}, targetOngoingRequests: 2 (default), upscaleDelayMs: 1000, downscaleDelayMs: 10000 }\`, gets closed loops of`,
    `2, 16 and 2 connections (1 ×, 8 ×, 1 × what one replica should carry), ${options.seconds} s each, from autocannon on 127.0.0.1.`,
    '',
    '| step | connections | req/s | p50 ms | p99 ms | failed | replica count moves (time into the step) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Replica count over the run: ${run.timeline.map((p) => `${p.count} at ${(p.at / 1000).toFixed(1)} s`).join(', ')}; direction changes: ${changes}.`,
    '',
    `Scale to zero (\`minReplicas: 0, downscaleDelayMs: 2000\`): idle to zero replicas in ${zero.idleMs} ms; the next request answered ${zero.status} in ${zero.answerMs} ms (a replica started for it).`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const run = await stepLoad(options);
  const zero = await fromZero();
  const text = report(options, run, zero);
  if (options.out === '-') process.stdout.write(text);
  else {
    writeFileSync(options.out, text);
    process.stdout.write(text);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    killAllServers();
    process.exit(1);
  },
);
