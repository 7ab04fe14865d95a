/**
 * `npm run bench`: starts every benchmark server in turn (one child process each), drives it
 * with autocannon, alternates the servers over several rounds and writes docs/reports/BENCHMARKS.md.
 * See `--help` and the Method section of the report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from './lib/args';
import { calibrate, calibrationEnv } from './lib/calibrate';
import { killAllServers } from './lib/child';
import { compileForServers } from './lib/compile';
import { machineInfo } from './lib/machine';
import { summarizeProfiles } from './lib/profile';
import { Results } from './lib/results';
import { measureServer, type RunContext } from './lib/runner';
import { evaluateTargets } from './lib/targets';
import { renderReport } from './report';
import { SERVER_RUNS, estimateRoundSeconds } from './scenarios';

const ROOT = resolve(__dirname, '..');
const TMP = join(ROOT, '.bench-tmp');

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), join(ROOT, 'docs', 'reports', 'BENCHMARKS.md'));
  const runs = args.only.length ? SERVER_RUNS.filter((run) => args.only.includes(run.id)) : SERVER_RUNS;
  if (runs.length === 0)
    throw new Error(`--only matched no server run; ids: ${SERVER_RUNS.map((r) => r.id).join(', ')}`);
  const started = performance.now();
  const machine = machineInfo();
  const calibration = calibrate();
  const profileDir = args.profile ? join(TMP, 'profiles', new Date().toISOString().replace(/[:.]/g, '-')) : undefined;
  let ctx: RunContext;
  if (args.fromSource) {
    ctx = {
      duration: args.duration,
      warmup: args.warmup,
      codeDir: __dirname,
      ext: '.ts',
      execArgv: ['-r', '@swc-node/register'],
      env: calibrationEnv(calibration),
      profileDir,
    };
  } else {
    const out = join(TMP, 'js');
    compileForServers(ROOT, out);
    ctx = {
      duration: args.duration,
      warmup: args.warmup,
      codeDir: join(out, 'bench'),
      ext: '.js',
      execArgv: [],
      env: calibrationEnv(calibration),
      profileDir,
    };
  }
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const estimate = estimateRoundSeconds(runs, args.duration, args.warmup) * args.rounds;
  log(
    `${runs.length} servers × ${args.rounds} rounds, about ${Math.round(estimate)} s; calibration ${JSON.stringify(calibration)}`,
  );

  const results = new Results();
  for (let round = 0; round < args.rounds; round++) {
    const order = runs.map((_, i) => runs[(i + round) % runs.length]);
    for (const run of order) {
      const t = performance.now();
      try {
        await measureServer(run, round, ctx, results);
        log(
          `round ${round + 1}/${args.rounds} ${run.id}: ${summary(results, run.id, round)} (${((performance.now() - t) / 1000).toFixed(1)} s)`,
        );
      } catch (err) {
        results.errors.push(`round ${round + 1}, ${run.id}: ${(err as Error).message}`);
        log(`round ${round + 1}/${args.rounds} ${run.id} FAILED: ${(err as Error).stack ?? err}`);
      }
    }
  }

  const elapsedSeconds = (performance.now() - started) / 1000;
  const flags = process.argv.slice(2).join(' ');
  const markdown = renderReport({
    command: flags ? `node -r @swc-node/register bench/run.ts ${flags}` : 'npm run bench',
    machine,
    date: new Date().toISOString(),
    rounds: args.rounds,
    duration: args.duration,
    warmup: args.warmup,
    elapsedSeconds,
    loadAverageAtEnd: machineInfo().loadAverage,
    calibration,
    runtime: `${args.fromSource ? 'TypeScript under -r @swc-node/register' : 'transpiled JavaScript, no TypeScript loader'}${profileDir ? '; PROFILED (main-thread CPU profiler on during measured windows; figures include its overhead)' : ''}`,
    results,
    targets: evaluateTargets(results),
  });
  if (args.out === '-') process.stdout.write(markdown);
  else {
    writeFileSync(args.out, markdown);
    log(`wrote ${args.out}`);
  }
  if (profileDir) process.stdout.write(summarizeProfiles(profileDir));
  log(`done in ${elapsedSeconds.toFixed(0)} s`);
  if (results.errors.length) process.exitCode = 1;
}

function summary(results: Results, id: string, round: number): string {
  const at = (key: string): number | undefined => results.get(key)[round];
  const parts = [
    `rps ${at(`${id}.rps`)?.toFixed(0)}`,
    `p50 ${at(`${id}.p50`)?.toFixed(2)}`,
    `p99 ${at(`${id}.p99`)?.toFixed(2)}`,
  ];
  if (at(`${id}.cps`) !== undefined)
    return `calls/s ${at(`${id}.cps`)?.toFixed(0)}, main thread µs/call ${at(`${id}.eluUs`)?.toFixed(2)}`;
  if (at(`${id}.hostMb`) !== undefined)
    return `host ${at(`${id}.hostMb`)?.toFixed(1)} MiB, children ${at(`${id}.childrenMb`)?.toFixed(1)} MiB`;
  return parts.join(', ');
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function bail(signal: NodeJS.Signals): void {
  killAllServers();
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

mkdirSync(TMP, { recursive: true });
process.on('exit', killAllServers);
process.on('SIGINT', bail);
process.on('SIGTERM', bail);
main().catch((err: unknown) => {
  killAllServers();
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
