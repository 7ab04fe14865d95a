/**
 * Many models per backend (issue 21): 20 models, 4 thread replicas, at most 3 models per replica,
 * a ~50 ms load and a ~5 ms inference (sleeps), Zipf(1.1) traffic as handle calls (no HTTP: the
 * routing policy is what differs, the HTTP stack would only add noise). The calls arrive open
 * loop, at `--rate` calls/s with exponential gaps (the same seeded schedule of times and models for
 * every policy), so each policy serves the same calls at the same moments: loads and latencies
 * compare one to one (a closed loop would give the faster policy more calls, more CPU contention
 * and so a worse tail). Latency counts from the call's scheduled time. Runs our policy, a Ray
 * Serve-like "holder, else least loaded" policy and random routing, each on a fresh app, and
 * reports model loads, hit rate, evictions and p50/p99 per policy, Belady's offline optimum for
 * the sequence (the fewest loads any policy can make), and the targets. Writes
 * docs/reports/MULTIPLEXING.md (`--out -`: stdout).
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
import { beladyLoads } from './multiplexing/belady';
import { popularityOracleLoads } from './multiplexing/popularity-oracle';
import { zipf } from './multiplexing/zipf';

const MODELS = 20;
const ZIPF_S = 1.1;

interface Options {
  calls: number;
  rate: number;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { calls: 8000, rate: 400, out: join(__dirname, '..', 'docs', 'reports', 'MULTIPLEXING.md') };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--calls') options.calls = Number(value);
    else if (flag === '--rate') options.rate = Number(value);
    else if (flag === '--out') options.out = value;
    else throw new Error(`unknown option ${flag}: use --calls N, --rate CALLS_PER_S, --out FILE|-`);
  }
  return options;
}

/** One call of the schedule: when it is due (ms after the start) and its model. */
interface ScheduledCall {
  at: number;
  modelId: string;
}

/** `calls` calls at `rate` per second on average (exponential gaps), Zipf-distributed models; seeded. */
function schedule(options: Options): ScheduledCall[] {
  const random = seededRandom(21);
  const next = zipf(MODELS, ZIPF_S, random);
  const calls: ScheduledCall[] = [];
  let at = 0;
  for (let i = 0; i < options.calls; i++) {
    at += (-Math.log(1 - random()) * 1000) / options.rate;
    calls.push({ at, modelId: `model-${next()}` });
  }
  return calls;
}

interface PolicyResult {
  policy: string;
  calls: number;
  failed: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
  loads: number;
  evictions: number;
  hitRate: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runPolicy(
  policy: string,
  cls: Type<unknown>,
  route: string,
  calls: ScheduledCall[],
): Promise<PolicyResult> {
  @Module({ imports: [ServeModule.forRoot({ backends: [cls] })] })
  class BenchModule {}
  const app: INestApplication = await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.init();
  const serve = app.get(ServeService);
  const handle = serve.getHandle(route);
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (const call of calls) {
    const wait = started + call.at - performance.now();
    if (wait > 1) await sleep(wait);
    const due = started + call.at;
    pending.push(
      handle.remote({}, { modelId: call.modelId }).then(
        () => void latencies.push(performance.now() - due),
        () => void failed++,
      ),
    );
  }
  await Promise.all(pending);
  const models = serve.status().backends[cls.name].models!;
  await app.close();
  latencies.sort((a, b) => a - b);
  console.error(
    policy,
    [0.5, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999]
      .map((q) => `${q}:${quantile(latencies, q).toFixed(1)}`)
      .join(' '),
  );

  return {
    policy,
    calls: latencies.length,
    failed,
    p50: quantile(latencies, 0.5),
    p90: quantile(latencies, 0.9),
    p95: quantile(latencies, 0.95),
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    p99: quantile(latencies, 0.99),
    loads: models.loads,
    evictions: models.evictions,
    hitRate: models.hitRate ?? 0,
  };
}

/** The floors of the model loads for a sequence: any policy (Belady), any policy that does not see the future (A0). */
interface Floors {
  optimum: number;
  online: number;
}

function report(options: Options, results: PolicyResult[], { optimum, online }: Floors): string {
  const [ours, rayLike, random] = results;
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const rows = results.map(
    (r) =>
      `| ${r.policy} | ${r.loads} | ${(r.hitRate * 100).toFixed(1)} % | ${r.evictions} | ${r.calls} (${r.failed} failed) | ${ms(r.mean)} | ${ms(r.p50)} | ${ms(r.p90)} | ${ms(r.p95)} | ${ms(r.p99)} |`,
  );
  const check = (ok: boolean) => (ok ? 'met' : '**missed**');
  const fewerThanRandom = random.loads / Math.max(1, ours.loads);
  const bestPossible = random.loads / Math.max(1, optimum);
  return [
    '# Many models per backend: routing policies',
    '',
    `Measured by \`npm run bench:multiplexing\` (${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} cores, Node ${process.version}): ${MODELS} models, 4 thread replicas, \`maxModelsPerReplica: 3\`, \`maxConcurrentQueries: 8\`, a ${LOAD_MS} ms load and a ${INFER_MS} ms inference (sleeps), Zipf(${ZIPF_S}) model ids. ${options.calls} handle calls arrive open loop at ${options.rate} calls/s (exponential gaps; the same seeded times and models for each policy), each policy on a fresh app (replicas start empty); latency counts from a call's scheduled time.`,
    '',
    '| policy | model loads | hit rate | evictions | calls | mean | p50 | p90 | p95 | p99 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    `| *best online policy (A0: the 11 most popular kept, 1 slot turns)* | ${online} | | | | | | | | |`,
    `| *offline optimum (Belady, 12 slots)* | ${optimum} | | | | | | | | |`,
    '',
    'Targets:',
    '',
    `- ≥ 5 × fewer loads than random: ${fewerThanRandom.toFixed(1)} × — ${check(fewerThanRandom >= 5)} (the best a policy that does not see the future can do here is ${(random.loads / Math.max(1, online)).toFixed(1)} ×, A0 loading ${online} models; a policy that knew the future ${bestPossible.toFixed(1)} ×, Belady loading ${optimum}; ours loads ${(ours.loads / Math.max(1, online)).toFixed(2)} × A0's)`,
    `- fewer loads than Ray-like: ${ours.loads} vs ${rayLike.loads} — ${check(ours.loads < rayLike.loads)}`,
    `- lower p99 than Ray-like: ${ms(ours.p99)} vs ${ms(rayLike.p99)} — ${check(ours.p99 < rayLike.p99)}`,
    '',
    "Policies: *affinity* (ours, the default): holders first, a model loads on one replica at a time (single flight), a new model goes to a replica with a free slot or the one whose eviction victim is least used, a hot model is loaded on one more replica. *Ray-like*: a replica already holding the model, else the least loaded one. *Random*: any replica with room. The last two are internal `routing` settings of `@Multiplexed()`, for this comparison only. *Offline optimum*: Belady's algorithm on the same sequence with one cache of 12 models (it knows the future; replicas of 3 slots each can only do worse), the floor of every policy. *Best online policy*: A0 (Aho, Denning and Ullman, 1971), the optimum for independent requests of fixed popularities when the future is unknown, given the true ranks: no routing or eviction policy can expect fewer loads without seeing the future.",
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const calls = schedule(options);
  const results = [
    await runPolicy('affinity (ours)', ZooAffinity, '/zoo/affinity', calls),
    await runPolicy('Ray-like (holder, else least loaded)', ZooRayLike, '/zoo/ray-like', calls),
    await runPolicy('random', ZooRandom, '/zoo/random', calls),
  ];
  const sequence = calls.map((c) => c.modelId);
  const popular = Array.from({ length: MODELS }, (_, k) => `model-${k + 1}`);
  const floors = { optimum: beladyLoads(sequence, 12), online: popularityOracleLoads(sequence, 12, popular) };
  const text = report(options, results, floors);
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
