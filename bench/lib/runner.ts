import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PhaseSpec, ServerRunSpec } from '../scenarios';
import type { ClosedLoopFigures } from '../servers/closed.loop';
import { MEMORY_WARMUP_SCALE } from '../scenarios';
import { startServer, type ChildSpec, type RunningServer } from './child';
import { startCluster, type RunningCluster } from './cluster';
import { runLoads } from './load';
import { childPids, cpuPerRequest, cpuShares, cpuSnapshot, fetchStats, rssMb } from './probe';
import type { Results } from './results';

/** Settings shared by every server run of a benchmark. */
export interface RunContext {
  duration: number;
  warmup: number;
  /** Folder holding `servers/` and `backends/` (the bench sources, or their transpiled copy). */
  codeDir: string;
  /** `.ts` (under the TS loader) or `.js`. */
  ext: '.ts' | '.js';
  execArgv: string[];
  /** Environment for every server (calibrated workload sizes). */
  env: Record<string, string>;
  /** When set, each measured window's main-thread CPU profile is written here (`<phase>-round<n>.cpuprofile`). */
  profileDir?: string;
}

/**
 * Starts the server of `run` (after its NATS server and replica host, for a run with remote
 * replicas), measures its phases (or its memory), records the figures for `round`, and stops
 * everything it started, also on error.
 */
export async function measureServer(
  run: ServerRunSpec,
  round: number,
  ctx: RunContext,
  results: Results,
): Promise<void> {
  const cluster = run.cluster
    ? await startCluster({
        codeDir: ctx.codeDir,
        ext: ctx.ext,
        execArgv: ctx.execArgv,
        backendModule: backendModule(run, ctx).file,
        env: { ...ctx.env, ...run.env },
      })
    : undefined;
  try {
    await measureOn(run, round, ctx, results, cluster);
  } finally {
    await cluster?.stop();
  }
}

async function measureOn(
  run: ServerRunSpec,
  round: number,
  ctx: RunContext,
  results: Results,
  cluster: RunningCluster | undefined,
): Promise<void> {
  const launched = performance.now();
  const server = await startServer(childSpec(run, ctx, cluster?.env));
  const serverPids = [server.pid, ...(cluster?.pids ?? [])];
  results.add(`${run.id}.startMs`, round, performance.now() - launched);
  try {
    if (run.memoryWarmup) {
      if (ctx.warmup > 0) await runLoads(server.port, [run.memoryWarmup], ctx.warmup * MEMORY_WARMUP_SCALE);
      results.add(`${run.id}.hostMb`, round, rssMb(server.pid));
      results.add(
        `${run.id}.childrenMb`,
        round,
        childPids(server.pid).reduce((sum, pid) => sum + rssMb(pid), 0),
      );
    }
    for (const phase of run.phases) {
      if (phase.closedLoop) {
        await measureClosedLoop(server, serverPids, phase, round, ctx, results);
        continue;
      }
      const warm = ctx.warmup * phase.warmupScale;
      if (warm > 0) await runLoads(server.port, phase.loads, warm);
      if (phase.settleSeconds) await new Promise((resolve) => setTimeout(resolve, phase.settleSeconds! * 1000));
      const before = phase.cpu ? await fetchStats(server.port) : undefined;
      if (ctx.profileDir) await server.command('profile-start');
      const machineBefore = cpuSnapshot(serverPids);
      const loads = await runLoads(server.port, phase.loads, ctx.duration * phase.scale);
      const shares = cpuShares(machineBefore, cpuSnapshot(serverPids));
      if (ctx.profileDir)
        await server.command('profile-stop', {
          file: join(ctx.profileDir, `${phase.id}-round${round + 1}.cpuprofile`),
        });
      const after = before ? await fetchStats(server.port) : undefined;
      results.add(`${phase.id}.serverCores`, round, shares.server);
      results.add(`${phase.id}.benchCores`, round, shares.bench);
      results.add(`${phase.id}.otherCores`, round, shares.others);
      phase.loads.forEach((load, i) => {
        const key = load.tag && phase.loads.length > 1 ? `${phase.id}.${load.tag}` : phase.id;
        const { rps, p50, p99, failures } = loads[i];
        results.add(`${key}.rps`, round, rps);
        results.add(`${key}.p50`, round, p50);
        results.add(`${key}.p99`, round, p99);
        results.add(`${key}.failures`, round, failures);
      });
      if (before && after) {
        const cpu = cpuPerRequest(before, after, loads[0].responses);
        results.add(`${phase.id}.eluUs`, round, cpu.eluUs);
        results.add(`${phase.id}.mainUs`, round, cpu.mainThreadUs);
        results.add(`${phase.id}.procUs`, round, cpu.processUs);
      }
    }
  } finally {
    await server.stop();
  }
}

/** Extra time a closed-loop command may take beyond its window (the calls in flight settling), ms. */
const CLOSED_LOOP_SLACK_MS = 30_000;

/**
 * A closed-loop phase: a warm-up window, then the measured one, both run inside the server (no
 * HTTP); records `<id>.cps` (calls/s that succeeded), `<id>.failures`, main-thread µs per call
 * (`<id>.eluUs`, `<id>.mainUs`), the whole process's (`<id>.procUs`) and the CPU shares.
 */
async function measureClosedLoop(
  server: RunningServer,
  serverPids: number[],
  phase: PhaseSpec,
  round: number,
  ctx: RunContext,
  results: Results,
): Promise<void> {
  const inFlight = phase.closedLoop!.inFlight;
  const loop = async (seconds: number): Promise<ClosedLoopFigures> => {
    const ack = await server.command('closed-loop', { seconds, inFlight }, seconds * 1000 + CLOSED_LOOP_SLACK_MS);
    if (!ack.figures) throw new Error(`${phase.id}: the server answered the closed loop without figures`);
    return ack.figures;
  };
  const warm = ctx.warmup * phase.warmupScale;
  if (warm > 0) await loop(warm);
  if (ctx.profileDir) await server.command('profile-start');
  const machineBefore = cpuSnapshot(serverPids);
  const f = await loop(ctx.duration * phase.scale);
  const shares = cpuShares(machineBefore, cpuSnapshot(serverPids));
  if (ctx.profileDir)
    await server.command('profile-stop', { file: join(ctx.profileDir, `${phase.id}-round${round + 1}.cpuprofile`) });
  const per = (total: number): number => (f.calls > 0 ? total / f.calls : NaN);
  results.add(`${phase.id}.cps`, round, (f.calls - f.failures) / f.seconds);
  results.add(`${phase.id}.failures`, round, f.failures);
  results.add(`${phase.id}.eluUs`, round, per(f.eluActiveMs * 1000));
  results.add(`${phase.id}.mainUs`, round, per(f.mainThreadCpuMs * 1000));
  results.add(`${phase.id}.procUs`, round, per(f.processCpuUs));
  results.add(`${phase.id}.serverCores`, round, shares.server);
  results.add(`${phase.id}.benchCores`, round, shares.bench);
  results.add(`${phase.id}.otherCores`, round, shares.others);
}

/** The module file and export name of the backend of a `serve` run. */
function backendModule(run: ServerRunSpec, ctx: RunContext): { file: string; exportName: string } {
  if (!run.backend) throw new Error(`server run ${run.id} names no backend`);
  const [file, exportName] = run.backend.split('#');
  return { file: join(ctx.codeDir, 'backends', file + ctx.ext), exportName };
}

function childSpec(run: ServerRunSpec, ctx: RunContext, clusterEnv: Record<string, string> = {}): ChildSpec {
  const env: Record<string, string> = { ...ctx.env, ...run.env, ...clusterEnv };
  if (run.backend) {
    const { file, exportName } = backendModule(run, ctx);
    env.BENCH_BACKEND = `${file}#${exportName}`;
  }
  return { script: join(ctx.codeDir, 'servers', `${run.server}.server${ctx.ext}`), env, execArgv: ctx.execArgv };
}
