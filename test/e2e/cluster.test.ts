import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { startNats, startProcess, startReplicaHost, type TestNats, type TestProcess } from '../helpers/processes';
import { sleep, tally, waitFor } from '../helpers/serve-app';

type Replica = { id: string; host: string; state: string; replica: string };
type Backends = Record<
  string,
  { status: string; hosts: string[]; replicas: Replica[]; requests: Record<string, number> }
>;
interface Answer {
  status: number;
  ms: number;
  host?: string;
  message?: string;
}

/**
 * Scale-out over NATS, everything a separate OS process: a NATS server, the Nest app (cluster
 * fixture) and replica hosts started with the `nestjs-serve replica` command.
 */
describe('cluster: replicas on replica hosts over NATS', () => {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  let nats: TestNats;
  let app: TestProcess;
  let base: string;
  const agents = new Map<string, TestProcess>();

  const http = () => request(base);
  const backends = async () => (await http().get('/admin/backends').expect(200)).body as Backends;
  const readyHosts = async (backend: string) =>
    (await backends())[backend].replicas
      .filter((r) => r.state === 'ready')
      .map((r) => r.host)
      .sort();
  const startAgent = async (name: string) => {
    const agent = startReplicaHost(nats.url, name, prefix);
    agents.set(name, agent);
    await agent.waitForLine(/serving .*remote-echo/);
    return agent;
  };
  /** Sends `total` requests, `concurrency` at a time; each must be answered within 10 s. */
  const load = async (path: string, total: number, concurrency = 8, during?: () => Promise<void>) => {
    const answers: Answer[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        sent++;
        const started = Date.now();
        const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
        const body = (await res.json()) as { host?: string; message?: string };
        answers.push({ status: res.status, ms: Date.now() - started, host: body.host, message: body.message });
      }
    };
    await Promise.all([...Array.from({ length: concurrency }, worker), during?.()]);
    return answers;
  };

  before(async () => {
    nats = await startNats();
    app = startProcess(process.execPath, ['-r', '@swc-node/register', 'test/fixtures/cluster/cluster-app.ts'], {
      NATS_URL: nats.url,
      SERVE_PREFIX: prefix,
    });
    const { port } = JSON.parse(await app.waitForLine(/^\{"port":\d+\}/)) as { port: number };
    base = `http://127.0.0.1:${port}`;
    await Promise.all([startAgent('agent-a'), startAgent('agent-b')]);
    await waitFor(
      'a replica on each replica host',
      async () => (await readyHosts('remote-echo')).join() === 'agent-a,agent-b',
      20_000,
    );
  });

  after(async () => {
    for (const agent of agents.values()) await agent.kill();
    await app?.kill();
    await nats?.stop();
  });

  test('remote replicas on two replica hosts serve HTTP requests; listBackends shows each replica with its host and state', async (t) => {
    const answers = await load('/remote', 40);
    assert.deepEqual([...tally(answers.map((a) => a.status))], [[200, 40]]);
    const hosts = tally(answers.map((a) => a.host));
    assert.ok((hosts.get('agent-a') ?? 0) > 5 && (hosts.get('agent-b') ?? 0) > 5, JSON.stringify([...hosts]));
    await waitFor(
      'both-echo on the app and both replica hosts',
      async () => (await readyHosts('both-echo')).join() === 'agent-a,agent-b,local',
    );
    const listed = await backends();
    assert.equal(listed['remote-echo'].status, 'running');
    for (const replica of listed['remote-echo'].replicas)
      assert.deepEqual([replica.replica, replica.state], ['thread', 'ready']);
    assert.deepEqual(await readyHosts('local-echo'), ['local']);
    const both = await load('/both', 60);
    assert.deepEqual(new Set(both.map((a) => a.host)), new Set(['app', 'agent-a', 'agent-b']));
    t.diagnostic(`40 requests to the remote backend: ${[...hosts].map(([h, n]) => `${n} on ${h}`).join(', ')}`);
  });

  test('userConfig pushes and scale changes reach the replica hosts', async () => {
    await http()
      .post('/admin/config')
      .send({ backend: 'remote-echo', config: { userConfig: { greeting: 'hi' }, numReplicas: 2 } })
      .expect(201);
    assert.deepEqual(await readyHosts('remote-echo'), ['agent-a', 'agent-a', 'agent-b', 'agent-b']);
    const answers = await load('/remote', 40);
    for (const answer of answers) assert.equal(answer.status, 200);
    const greetings = await Promise.all(
      Array.from({ length: 12 }, () =>
        http()
          .get('/remote')
          .expect(200)
          .then((r) => (r.body as { greeting: string }).greeting),
      ),
    );
    assert.deepEqual(new Set(greetings), new Set(['hi']));
    await http()
      .post('/admin/config')
      .send({ backend: 'remote-echo', config: { numReplicas: 1 } })
      .expect(201);
    assert.deepEqual(await readyHosts('remote-echo'), ['agent-a', 'agent-b']);
  });

  test('the app sends to the replica with the fewest requests in flight: a slow replica host gets few', async (t) => {
    const slow = startReplicaHost(nats.url, 'agent-slow', prefix, ['--backend', 'remote-echo'], {
      SERVE_TEST_SLOW_MS: '100',
    });
    await slow.waitForLine(/serving remote-echo/);
    await waitFor(
      'agent-slow joined',
      async () => (await readyHosts('remote-echo')).join() === 'agent-a,agent-b,agent-slow',
    );
    const answers = await load('/remote', 150, 6);
    const hosts = tally(answers.map((a) => a.host));
    const onSlow = hosts.get('agent-slow') ?? 0;
    assert.ok(onSlow > 0 && onSlow < 25, `the slow host served ${onSlow} of 150 (an even split would give it 50)`);
    slow.child.kill('SIGTERM');
    assert.equal(await slow.exited, 0);
    t.diagnostic(`150 requests, 6 at a time: ${[...hosts].map(([h, n]) => `${n} on ${h}`).join(', ')}`);
  });

  test('handles, batching, traffic splits and shard keys work with remote replicas', async () => {
    const composed = await http().get('/remote').set('x-serve-call-method', 'compose').expect(200);
    assert.equal(composed.body.local, 'app');
    assert.match(composed.body.remote, /^agent-[ab]$/);

    const batches = await Promise.all(
      Array.from({ length: 24 }, () => http().get('/remote').set('x-serve-call-method', 'batched').expect(200)),
    );
    assert.ok(Math.max(...batches.map((r) => r.body.batch as number)) > 1, 'some calls were batched');

    await http()
      .post('/admin/traffic')
      .send({ endpoint: 'local', traffic: { 'local-echo': 0.5, 'remote-echo': 0.5 } })
      .expect(201);
    const split = await Promise.all(
      Array.from({ length: 200 }, () =>
        http()
          .get('/local')
          .expect(200)
          .then((r) => r.body.host as string),
      ),
    );
    const onApp = split.filter((h) => h === 'app').length;
    assert.ok(onApp > 60 && onApp < 140, `${onApp} of 200 on the app at 50/50`);
    for (const key of ['k1', 'k2', 'k3', 'k4']) {
      const seen = await Promise.all(
        Array.from({ length: 6 }, () =>
          http()
            .get('/local')
            .set('x-serve-shard-key', key)
            .then((r) => r.body.host === 'app'),
        ),
      );
      assert.equal(new Set(seen).size, 1, `shard key ${key} sticks to one backend`);
    }
    await http()
      .post('/admin/traffic')
      .send({ endpoint: 'local', traffic: { 'local-echo': 1 } })
      .expect(201);
  });

  test('limits apply to remote replicas: maxConcurrentQueries, the bounded queue (503 at once) and requestTimeoutMs (504)', async () => {
    await http()
      .post('/admin/config')
      .send({ backend: 'remote-echo', config: { maxConcurrentQueries: 1, maxQueuedRequests: 0 } })
      .expect(201);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${base}/remote?ms=300`).then((r) => r.status)),
    );
    assert.deepEqual(
      answers.sort(),
      [200, 200, 503, 503, 503],
      'one request per replica on each of the 2 hosts, no queue',
    );
    await http()
      .post('/admin/config')
      .send({
        backend: 'remote-echo',
        config: { maxConcurrentQueries: 8, maxQueuedRequests: 1000, requestTimeoutMs: 200 },
      })
      .expect(201);
    const slow = await http().get('/remote?ms=1000');
    assert.equal(slow.status, 504);
    assert.match(slow.body.message, /did not answer within 200 ms/);
    await http()
      .post('/admin/config')
      .send({ backend: 'remote-echo', config: { requestTimeoutMs: 30_000 } })
      .expect(201);
    await http().get('/remote').expect(200);
  });

  test("payloads over NATS's max_payload fail with a clear error and break nothing", async () => {
    const tooLarge = await http().post('/remote').set('content-type', 'text/plain').send('a'.repeat(1_500_000));
    assert.equal(tooLarge.status, 413);
    assert.match(tooLarge.body.message, /max_payload/);
    const fits = await http().post('/remote').set('content-type', 'text/plain').send('a'.repeat(900_000)).expect(200);
    assert.equal(fits.body.size, 900_000);
    const bigResult = await http().get('/remote').set('x-serve-call-method', 'big');
    assert.equal(bigResult.status, 500);
    await http().get('/remote').expect(200);
    assert.match(app.output(), /returned a result too large for NATS/);
  });

  test('SIGKILL of a replica host: its requests in flight answer 503, none hangs, the others go to the other host; it rejoins when restarted', async (t) => {
    const killedAt: number[] = [];
    const answers = await load('/remote?ms=40', 400, 8, async () => {
      await sleep(400);
      killedAt.push(Date.now());
      await agents.get('agent-a')!.kill('SIGKILL');
    });
    const statuses = tally(answers.map((a) => a.status));
    assert.deepEqual(
      [...statuses.keys()].filter((s) => s !== 200 && s !== 503),
      [],
    );
    assert.ok(
      (statuses.get(503) ?? 0) <= 8,
      `at most the requests in flight on agent-a fail: ${JSON.stringify([...statuses])}`,
    );
    for (const failed of answers.filter((a) => a.status === 503)) assert.match(failed.message!, /agent-a/);
    const slowest = Math.max(...answers.map((a) => a.ms));
    assert.ok(slowest < 2000, `slowest answer ${slowest} ms`);
    await waitFor('agent-a dropped', async () => (await readyHosts('remote-echo')).join() === 'agent-b', 3000);
    const localOnly = (await backends())['local-echo'] as { lastError?: string };
    assert.equal(localOnly.lastError, undefined, 'a local-only backend is not touched');
    const after = await load('/remote', 20);
    assert.deepEqual(new Set(after.map((a) => `${a.status} ${a.host}`)), new Set(['200 agent-b']));

    await startAgent('agent-a');
    await waitFor('agent-a back', async () => (await readyHosts('remote-echo')).join() === 'agent-a,agent-b', 15_000);
    const back = await load('/remote', 40);
    assert.deepEqual(new Set(back.map((a) => a.host)), new Set(['agent-a', 'agent-b']));
    t.diagnostic(
      `SIGKILL under load: ${answers.length} requests, ${statuses.get(200)} × 200, ${statuses.get(503) ?? 0} × 503, slowest ${slowest} ms; restarted host rejoined`,
    );
  });

  test('a replica host killed while idle costs no request: requests sent before the app notices run on the other host', async (t) => {
    await agents.get('agent-a')!.kill('SIGKILL');
    const answers = await load('/remote', 24, 12);
    assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.host}`)), new Set(['200 agent-b']));
    await startAgent('agent-a');
    await waitFor('agent-a back', async () => (await readyHosts('remote-echo')).join() === 'agent-a,agent-b', 15_000);
    t.diagnostic('24 requests right after the SIGKILL: all 200 on agent-b');
  });

  test('a hung replica host (SIGSTOP) is dropped within about a second: its requests answer 503, new ones go elsewhere; it rejoins after SIGCONT', async (t) => {
    const hung = agents.get('agent-b')!;
    const inFlight = Array.from({ length: 6 }, () =>
      fetch(`${base}/remote?ms=300`, { signal: AbortSignal.timeout(10_000) }).then(async (r) => ({
        status: r.status,
        host: ((await r.json()) as Answer).host,
      })),
    );
    await sleep(100);
    const stoppedAt = Date.now();
    hung.child.kill('SIGSTOP');
    const results = await Promise.all(inFlight);
    const answeredMs = Date.now() - stoppedAt;
    assert.ok(answeredMs < 2500, `in-flight requests answered ${answeredMs} ms after the stop`);
    for (const r of results) assert.ok(r.status === 200 || r.status === 503, JSON.stringify(r));
    assert.ok(
      results.some((r) => r.status === 503),
      'the hung host held some of them',
    );
    const meanwhile = await load('/remote', 20);
    assert.deepEqual(new Set(meanwhile.map((a) => `${a.status} ${a.host}`)), new Set(['200 agent-a']));
    hung.child.kill('SIGCONT');
    await waitFor(
      'agent-b back after SIGCONT',
      async () => (await readyHosts('remote-echo')).join() === 'agent-a,agent-b',
      15_000,
    );
    t.diagnostic(
      `SIGSTOP: 6 in flight answered within ${answeredMs} ms (${results.filter((r) => r.status === 503).length} × 503); 20 meanwhile all 200 on agent-a; agent-b rejoined`,
    );
  });

  test('the NATS server stops: remote-only requests fail fast with a clear 503, local replicas keep serving, and all reconnects when it is back', async (t) => {
    await nats.stop();
    await waitFor('remote replicas dropped', async () => (await readyHosts('remote-echo')).length === 0, 3000);
    const remote = await load('/remote', 20);
    for (const answer of remote) {
      assert.equal(answer.status, 503);
      assert.match(answer.message!, /NATS server/);
      assert.ok(answer.ms < 500, `answered after ${answer.ms} ms`);
    }
    const both = await load('/both', 40);
    assert.deepEqual(new Set(both.map((a) => `${a.status} ${a.host}`)), new Set(['200 app']));
    await http().get('/local').expect(200);

    const restartedAt = Date.now();
    await nats.start();
    await waitFor(
      'replica hosts back',
      async () => (await readyHosts('remote-echo')).join() === 'agent-a,agent-b',
      20_000,
    );
    const backMs = Date.now() - restartedAt;
    const after = await load('/remote', 40);
    assert.deepEqual(new Set(after.map((a) => a.status)), new Set([200]));
    assert.deepEqual(new Set(after.map((a) => a.host)), new Set(['agent-a', 'agent-b']));
    t.diagnostic(
      `NATS down: 20 remote requests 503 in at most ${Math.max(...remote.map((a) => a.ms))} ms; 40 to 'both' served locally; serving on both hosts again ${backMs} ms after NATS restarted`,
    );
  });

  test('SIGTERM on a replica host drains it: requests in flight there finish (longer than the lease), then it exits', async () => {
    const draining = agents.get('agent-b')!;
    const inFlight = Array.from({ length: 6 }, () =>
      fetch(`${base}/remote?ms=3500`).then(async (r) => ({
        status: r.status,
        host: ((await r.json()) as Answer).host,
      })),
    );
    await sleep(150);
    draining.child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    assert.ok(
      results.some((r) => r.host === 'agent-b'),
      'agent-b had some of them',
    );
    assert.equal(await draining.exited, 0);
    assert.deepEqual(await readyHosts('remote-echo'), ['agent-a']);
    agents.delete('agent-b');
  });

  test('the app stopped with SIGTERM (after the NATS restart) stops its remote replicas and exits', async () => {
    const listed = await readyHosts('remote-echo');
    assert.deepEqual(listed, ['agent-a']);
    app.child.kill('SIGTERM');
    const code = await Promise.race([app.exited, sleep(10_000).then(() => 'still running after 10 s')]);
    // Nest's shutdown hooks re-raise the signal once the app has closed.
    assert.equal(code, 'SIGTERM');
  });

  test('an app killed outright: replica hosts stop its replicas once its heartbeats stop', async () => {
    const second = startProcess(
      process.execPath,
      ['-r', '@swc-node/register', 'test/fixtures/cluster/cluster-app.ts'],
      { NATS_URL: nats.url, SERVE_PREFIX: prefix },
    );
    const { port } = JSON.parse(await second.waitForLine(/^\{"port":\d+\}/)) as { port: number };
    base = `http://127.0.0.1:${port}`;
    app = second;
    await waitFor(
      'the new app places replicas on agent-a',
      async () => (await readyHosts('remote-echo')).join() === 'agent-a',
      15_000,
    );
    await second.kill('SIGKILL');
    await agents.get('agent-a')!.waitForLine(/sent no heartbeat for \d+ ms: stopping its \d+ replica/, 10_000);
  });
});
