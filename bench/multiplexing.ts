/**
 * Many models per backend (issue 21): 20 models, 4 thread replicas, at most 3 models per replica,
 * a ~50 ms load and a ~5 ms inference (sleeps), Zipf(1.1) traffic from `--callers` closed loops of
 * handle calls (no HTTP: the routing policy is what differs, the HTTP stack would only add noise).
 * The same seeded model sequence runs against our policy, a Ray Serve-like "holder, else least
 * loaded" policy and random routing, each on a fresh app for `--seconds`. Reports model loads,
 * hit rate, evictions, calls/s and p50/p99 per policy, and the targets (≥ 5 × fewer loads than
 * random; fewer loads and a lower p99 than Ray-like). Writes docs/reports/MULTIPLEXING.md (`--out -`: stdout).
 */
import 'reflect-metadata';
import { Module, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ServeModule, ServeService } from '../src';
import { INFER_MS, LOAD_MS, ZooAffinity, ZooRandom, ZooRayLike } from './backends/multiplexed.backend';
import { seededRandom } from '../sample-app/markov.model';

const MODELS = 20;
const ZIPF_S = 1.1;

interface Options {
  seconds: number;
  callers: number;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    seconds: 20,
    callers: 16,
    out: join(__dirname, '..', 'docs', 'reports', 'MULTIPLEXING.md'),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--seconds') options.seconds = Number(value);
    else if (flag === '--callers') options.callers = Number(value);
    else if (flag === '--out') options.out = value;
    else throw new Error(`unknown option ${flag}: use --seconds N, --callers N, --out FILE|-`);
  }
  return options;
}

/** Draws model ranks 1..n with P(k) ∝ 1 / k^s. */
function zipf(n: number, s: number, random: () => number): () => number {
  const weights = Array.from({ length: n }, (_, k) => 1 / (k + 1) ** s);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  return () => {
    const u = random();
    const k = cumulative.findIndex((c) => u <= c);
    return (k < 0 ? n - 1 : k) + 1;
  };
}

interface PolicyResult {
  policy: string;
  calls: number;
  failed: number;
  callsPerSecond: number;
  p50: number;
  p99: number;
  loads: number;
  evictions: number;
  hitRate: number;
  modelsPerReplica: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

async function runPolicy(policy: string, cls: Type<unknown>, route: string, options: Options): Promise<PolicyResult> {
  @Module({ imports: [ServeModule.forRoot({ backends: [cls] })] })
  class BenchModule {}
  const app: INestApplication = await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.init();
  const serve = app.get(ServeService);
  const handle = serve.getHandle(route);
  const next = zipf(MODELS, ZIPF_S, seededRandom(21));
  const latencies: number[] = [];
  let failed = 0;
  const end = performance.now() + options.seconds * 1000;
  const caller = async () => {
    while (performance.now() < end) {
      const modelId = `model-${next()}`;
      const t0 = performance.now();
      try {
        await handle.remote({}, { modelId });
        latencies.push(performance.now() - t0);
      } catch {
        failed++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.callers }, caller));
  const elapsed = (performance.now() - started) / 1000;
  const models = serve.status().backends[cls.name].models!;
  await app.close();
  latencies.sort((a, b) => a - b);
  return {
    policy,
    calls: latencies.length,
    failed,
    callsPerSecond: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    loads: models.loads,
    evictions: models.evictions,
    hitRate: models.hitRate ?? 0,
    modelsPerReplica: models.modelsPerReplica,
  };
}

function report(options: Options, results: PolicyResult[]): string {
  const [ours, rayLike, random] = results;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const rows = results.map(
    (r) =>
      `| ${r.policy} | ${r.loads} | ${(r.hitRate * 100).toFixed(1)} % | ${r.evictions} | ${r.calls} (${r.failed} failed) | ${r.callsPerSecond.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} |`,
  );
  const check = (ok: boolean) => (ok ? 'met' : '**missed**');
  const fewerThanRandom = random.loads / Math.max(1, ours.loads);
  return [
    '# Many models per backend: routing policies',
    '',
    `Measured by \`npm run bench:multiplexing\` (${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores, Node ${process.version}): ${MODELS} models, 4 thread replicas, \`maxModelsPerReplica: 3\`, \`maxConcurrentQueries: 8\`, a ${LOAD_MS} ms load and a ${INFER_MS} ms inference (sleeps), Zipf(${ZIPF_S}) model ids (the same seeded sequence for each policy), ${options.callers} closed loops of handle calls for ${options.seconds} s per policy, each on a fresh app (replicas start empty).`,
    '',
    '| policy | model loads | hit rate | evictions | calls | calls/s | p50 | p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Targets:',
    '',
    `- ≥ 5 × fewer loads than random: ${fewerThanRandom.toFixed(1)} × — ${check(fewerThanRandom >= 5)}`,
    `- fewer loads than Ray-like: ${ours.loads} vs ${rayLike.loads} — ${check(ours.loads < rayLike.loads)}`,
    `- lower p99 than Ray-like: ${ms(ours.p99)} vs ${ms(rayLike.p99)} — ${check(ours.p99 < rayLike.p99)}`,
    '',
    'Policies: *affinity* (ours, the default): holders first (least loaded), a model loads on one replica at a time (single flight), a new model goes to a replica with a free slot or the one whose eviction victim is coldest, a hot model is loaded on one more replica. *Ray-like*: a replica already holding the model, else the least loaded one. *Random*: any replica with room. The last two are internal `routing` settings of `@Multiplexed()`, for this comparison only.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const results = [
    await runPolicy('affinity (ours)', ZooAffinity, '/zoo/affinity', options),
    await runPolicy('Ray-like (holder, else least loaded)', ZooRayLike, '/zoo/ray-like', options),
    await runPolicy('random', ZooRandom, '/zoo/random', options),
  ];
  const text = report(options, results);
  if (options.out !== '-') writeFileSync(options.out, text);
  process.stdout.write(text);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
