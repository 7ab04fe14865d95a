/**
 * The fleet scenario (issue 20): three app instances (child processes) sharing one desired state
 * in a real `nats-server -js`, under a closed-loop GET load on each. It measures how fast a traffic
 * change made on instance 1 is in effect on all three, what 50 concurrent conflicting writes from
 * the three leave, a rolling restart of every instance under load, and a NATS restart under load;
 * writes docs/reports/FLEET.md. Run: `npm run bench:fleet` (`-- --changes 20 --out -` for a short run).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startInstance, type FleetInstanceChild } from './fleet/fleet.instances';
import type { BurstOutcome, InstanceState } from './fleet/fleet.server';
import type { RolloutOptions, RolloutResult } from '../src';
import { LoadLoop } from './fleet/load.loop';
import { percentile } from './lib/stats';
import { NatsServer } from './fleet/nats.server';

type State = InstanceState;
const CONNECTIONS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const f1 = (n: number) => n.toFixed(1);

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function versionOf(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/fleet`);
  return ((await res.json()) as { version: string }).version;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
  return performance.now() - started;
}

async function main(): Promise<void> {
  const changes = Number(option('--changes', '100'));
  const out = option('--out', join(__dirname, '../docs/reports/FLEET.md'));
  const nats = await NatsServer.start();
  const env = { FLEET_SERVERS: nats.url, FLEET_PREFIX: `fb${randomBytes(4).toString('hex')}` };
  const instances: FleetInstanceChild[] = [];
  const lines: string[] = [];
  try {
    for (const name of ['one', 'two', 'three']) instances.push(await startInstance(name, env));
    const states = () => Promise.all(instances.map((i) => i.command<State>('state')));
    await waitFor('every instance sees three live', async () => (await states()).every((s) => s.live === 3));
    const loads = instances.map((i) => new LoadLoop(i.port, CONNECTIONS));
    /** Answers of the loads stopped for a restart. */
    const retired = { ok: 0, failed: 0 };
    const count = (key: 'ok' | 'failed') => loads.reduce((n, l) => n + l[key], retired[key]);

    // 1. A traffic change on instance 1, in effect on all three.
    const inEffect: number[] = [];
    const resolved: number[] = [];
    for (let n = 0; n < changes; n++) {
      const want = n % 2 === 0 ? 'two' : 'one';
      const weights = want === 'two' ? { FleetOne: 0, FleetTwo: 1 } : { FleetOne: 1, FleetTwo: 0 };
      const started = performance.now();
      const call = instances[0].command<{ ms: number }>('traffic', { weights });
      const seen = await Promise.all(
        instances.map(async (instance) => {
          while ((await versionOf(instance.port)) !== want)
            if (performance.now() - started > 10_000) throw new Error(`${instance.name} never served ${want}`);
          return performance.now() - started;
        }),
      );
      inEffect.push(Math.max(...seen));
      resolved.push((await call).ms);
    }
    lines.push(
      `| a traffic change on instance 1 in effect on all three: \`setTraffic\` on 1 resolved (written, then applied by every live instance, which acknowledges after applying), ${changes} changes under load | p50 ${f1(percentile(resolved, 50))} ms, p99 ${f1(percentile(resolved, 99))} ms, max ${f1(Math.max(...resolved))} ms | p99 ≤ 200 ms: ${percentile(resolved, 99) <= 200 ? 'pass' : '**FAIL**'} |`,
      `| cross-check, as callers see it: from the call until a GET on every instance answers with the new version (back-to-back GETs from the orchestrator, queued behind the load's own on the same 2 cores) | p50 ${f1(percentile(inEffect, 50))} ms, p99 ${f1(percentile(inEffect, 99))} ms | |`,
    );

    // 2. 50 concurrent conflicting writes from the three instances.
    const before = (await states())[0].revision;
    const writes = Array.from({ length: 50 }, (_, k) => ({ FleetOne: (k + 1) / 64, FleetTwo: 1 - (k + 1) / 64 }));
    const bursts = await Promise.all(
      instances.map((instance, i) =>
        instance.command<{ outcomes: BurstOutcome[] }>('burst', { writes: writes.filter((_, k) => k % 3 === i) }),
      ),
    );
    const outcomes = bursts.flatMap((b) => b.outcomes);
    const won = outcomes.filter((o) => o.ok);
    const refused = outcomes.filter((o) => !o.ok);
    await waitFor('the three at one revision', async () => new Set((await states()).map((s) => s.revision)).size === 1);
    const after = await states();
    const final = JSON.stringify(after[0].traffic);
    const serial =
      after.every((s) => JSON.stringify(s.traffic) === final) &&
      won.some((o) => JSON.stringify(o.weights) === final) &&
      after[0].revision - before === won.length &&
      refused.every((o) => o.code === 'CONFLICT');
    lines.push(
      `| 50 concurrent conflicting \`setTraffic\` from three instances | ${won.length} written, ${refused.length} refused 409 (${new Set(refused.map((o) => o.code)).size === 1 ? 'all CONFLICT' : JSON.stringify(refused.map((o) => o.code))}); revision +${after[0].revision - before}; final split ${final} on all three | one serial order: ${serial ? 'pass' : '**FAIL**'} |`,
    );

    // 3. Every instance restarted one by one under load.
    await instances[0].command('traffic', { weights: { FleetOne: 0.25, FleetTwo: 0.75 } });
    const wanted = JSON.stringify((await states())[0].traffic);
    const restartMs: number[] = [];
    for (let i = 0; i < instances.length; i++) {
      const started = performance.now();
      // the load balancer takes the instance out before it stops, and back once it listens
      await loads[i].stop();
      retired.ok += loads[i].ok;
      retired.failed += loads[i].failed;
      await instances[i].stop();
      instances[i] = await startInstance(instances[i].name, env);
      loads[i] = new LoadLoop(instances[i].port, CONNECTIONS);
      restartMs.push(performance.now() - started);
    }
    await sleep(1000);
    const restarted = await states();
    const identical = restarted.every((s) => JSON.stringify(s.traffic) === wanted);
    const okBefore = count('ok');
    const failedBefore = count('failed');
    lines.push(
      `| every instance restarted one by one under load | ${failedBefore} failed of ${okBefore + failedBefore} requests (so far, all phases); restart to listening p50 ${f1(percentile(restartMs, 50))} ms; split afterwards ${identical ? 'identical on all three' : JSON.stringify(restarted.map((s) => s.traffic))} | 0 failed, state identical: ${failedBefore === 0 && identical ? 'pass' : '**FAIL**'} |`,
    );

    // 4. NATS restart under load, then a change on instance 2.
    const restartedAt = performance.now();
    await nats.restart(1000);
    await waitFor(
      'every instance sees three live again',
      async () => (await states().catch(() => [] as State[])).filter((s) => s.live === 3).length === 3,
    );
    const back = performance.now() - restartedAt;
    await instances[1].command('traffic', { weights: { FleetOne: 0.5, FleetTwo: 0.5 } });
    const converged = await waitFor('the three at one revision and split', async () => {
      const now = await states();
      return new Set(now.map((s) => `${s.revision}${JSON.stringify(s.traffic)}`)).size === 1;
    });
    // 5. The decider SIGKILLed at the second step of a rollout started on another instance.
    await instances[0].command('traffic', { weights: { FleetOne: 1, FleetTwo: 0 } });
    const now = await states();
    const killed = now.findIndex((s) => s.self === s.decider);
    const starter = instances[(killed + 1) % instances.length];
    const options: RolloutOptions = { steps: [0.2, 0.5, 1], stepIntervalMs: 2000, minRequestsPerStep: 20 };
    const running = starter.command<{ result: RolloutResult }>('rollout', { backend: 'FleetTwo', options }, 120_000);
    await waitFor(
      'the rollout at its second step',
      async () => ((await starter.command<State>('state')).rollout?.step ?? 0) >= 1,
    );
    const killedAt = performance.now();
    const stepAtKill = (await starter.command<State>('state')).rollout!.step;
    await loads[killed].stop();
    instances[killed].kill();
    const handedOver = await waitFor('another instance runs the rollout', async () => {
      const s = await starter.command<State>('state');
      return s.rollout !== undefined && s.rollout.decider !== now[killed].self;
    });
    const { result } = await running;
    const ended = performance.now() - killedAt;
    const weights = result.steps.map((step) => step.weight);
    const once = JSON.stringify(weights) === JSON.stringify(options.steps);
    lines.push(
      `| the decider SIGKILLed at step ${stepAtKill + 1} of a rollout (steps 0.2, 0.5, 1; 2 s each) started on another instance | carried on by another instance ${f1(handedOver)} ms after the kill; ${result.outcome}${result.outcome === 'rolled-back' ? ` (${result.reason})` : ''} ${f1(ended)} ms after the kill; steps judged ${JSON.stringify(weights)} | within 5 s, ended, not restarted: ${handedOver <= 5000 && once ? 'pass' : '**FAIL**'} |`,
    );

    for (const load of loads) await load.stop();
    const ok = count('ok');
    const failed = count('failed');
    lines.push(
      `| NATS killed and restarted (1 s down, same store) under load, then a change on instance 2 | every instance saw the three live again ${f1(back)} ms after the kill; the change converged ${f1(converged)} ms after it resolved; ${failed - failedBefore} failed requests meanwhile | every instance converges: pass |`,
      `| requests over the whole run | ${ok} answered 200, ${failed} failed | |`,
    );
  } finally {
    await Promise.all(instances.map((i) => i.stop().catch(() => i.kill())));
    await nats.stop();
  }
  const command = `npm run bench:fleet${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const report = [
    '# Fleet benchmark (issue 20)',
    '',
    `- Command: \`${command}\`, ${new Date().toISOString().slice(0, 16)} UTC, Node ${process.version}, on a 2-core machine.`,
    `- Three app instances (child processes, Express, one thread replica per backend each) share one desired state in a \`nats-server -js\` on loopback; ${CONNECTIONS} closed-loop GET connections on each instance throughout (its load stops while that instance restarts, as a load balancer would take it out).`,
    '',
    '| what | measured | target |',
    '| --- | --- | --- |',
    ...lines,
    '',
  ].join('\n');
  if (out === '-') process.stdout.write(report);
  else writeFileSync(out, report);
  console.log(report);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
