import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FleetA, FleetB } from '../fixtures/fleet.backends';
import { startNats, type TestNats } from '../helpers/processes';
import { startServeApp, type ServeApp } from '../helpers/serve-app';

// `nestjs-serve status` and `nestjs-serve apply` run as child processes of the built CLI against a
// real nats-server -js and a real Nest app instance in the fleet. Rerun alone with:
//   npm run build && node --test --test-concurrency=1 -r @swc-node/register test/e2e/fleet-cli.test.ts

const CLI = join(__dirname, '../../dist/cli/serve.cli.js');
type Run = { code: number; stdout: string; stderr: string };

describe('nestjs-serve status / apply: operators change the fleet without code', () => {
  const prefix = `c${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'fleet-cli-'));
  let nats: TestNats;
  let app: ServeApp;

  const run = (...args: string[]) =>
    new Promise<Run>((resolve) =>
      execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
  const cli = (...args: string[]) => run(...args, '--servers', nats.url, '--prefix', prefix);
  const file = (name: string, doc: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
    return path;
  };
  const version = async () => ((await app.http.get('/fleet').expect(200)).body as { version: string }).version;
  const revision = () => app.serve.status().fleet!.revision;

  before(async () => {
    nats = await startNats({ jetstream: true });
    app = await startServeApp({
      backends: [FleetA, FleetB],
      cluster: { servers: nats.url, prefix, name: 'cli-one', fleet: { heartbeatPeriodMs: 250 } },
    });
  });

  after(async () => {
    await app?.close().catch(() => undefined);
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('status lists the endpoints, backends and the live instance with the revision it applied', async () => {
    const text = await cli('status');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Fleet desired state: revision ${revision()}`));
    assert.match(text.stdout, /fleet {2}\/fleet {2}GET/);
    assert.match(text.stdout, /traffic {2}FleetA 100%, FleetB 0%/);
    assert.match(text.stdout, /userConfig \{"greeting":"hi"\}/);
    assert.match(text.stdout, new RegExp(`cli-one \\(.+\\) {2}revision ${revision()} {2}live`));
    const json = await cli('status', '--json');
    const report = JSON.parse(json.stdout) as {
      revision: number;
      state: { endpoints: Record<string, unknown> };
      instances: { name: string; revision: number; live: boolean }[];
    };
    assert.equal(report.revision, revision());
    assert.deepEqual(Object.keys(report.state.endpoints), ['fleet']);
    assert.deepEqual(
      report.instances.map((i) => [i.name, i.revision, i.live]),
      [['cli-one', revision(), true]],
    );
  });

  const moveToB = {
    endpoints: { fleet: { route: '/fleet', traffic: { FleetA: 0, FleetB: 1 } } },
    backends: { FleetA: { config: { userConfig: { greeting: 'hello' } } } },
  };

  test('apply --dry-run prints each change with its effect and writes nothing', async () => {
    const before = revision();
    const run = await cli('apply', file('move.json', moveToB), '--dry-run');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`against revision ${before} \\(dry run: nothing written\\)`));
    assert.match(
      run.stdout,
      /~ endpoint 'fleet' \/fleet: traffic \{"FleetA":1,"FleetB":0\} → \{"FleetA":0,"FleetB":1\} {2}\[routing only\]/,
    );
    assert.match(
      run.stdout,
      /~ backend 'FleetA': userConfig \{"greeting":"hi"\} → \{"greeting":"hello"\} {2}\[reconfigures replicas/,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(revision(), before);
    assert.equal(await version(), 'A');
  });

  test('apply moves the traffic: once it exits, the instance serves the new split over HTTP', async () => {
    const run = await cli('apply', file('move.json', moveToB));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /applied by every live instance \(1\)/);
    for (let i = 0; i < 5; i++) assert.equal(await version(), 'B');
    assert.equal((app.serve.getBackendConfig('FleetA').userConfig as { greeting: string }).greeting, 'hello');
    const again = await cli('apply', file('move.json', moveToB));
    assert.match(again.stdout, /No changes/);
  });

  test('apply --prune deletes an endpoint the file omits; refuses to delete a backend still named', async () => {
    await app.serve.createEndpoint('extra', { route: '/extra', backend: 'FleetA' });
    await app.http.get('/extra').expect(200);
    const inUse = await cli(
      'apply',
      file('only-a.json', { backends: { FleetA: {} }, endpoints: moveToB.endpoints }),
      '--prune',
    );
    assert.equal(inUse.code, 2);
    assert.match(inUse.stderr, /--prune would delete backend 'FleetB'.*endpoint\(s\) fleet/);
    const run = await cli(
      'apply',
      file('prune.json', { backends: { FleetA: {}, FleetB: {} }, endpoints: moveToB.endpoints }),
      '--prune',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /- endpoint 'extra' \(\/extra\) {2}\[routing only\]/);
    await app.http.get('/extra').expect(404);
    assert.deepEqual(Object.keys(app.serve.listEndpoints()), ['fleet']);
  });

  test('a bad file exits non-zero naming the field, and writes nothing', async () => {
    const before = revision();
    const bad = await cli('apply', file('bad.json', { backends: { FleetA: { config: { numReplicas: 0 } } } }));
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /bad\.json: backends\.FleetA\.config: option 'numReplicas' is 0; expected an integer >= 1/,
    );
    const unknown = await cli('apply', file('unknown.json', { endpoints: { fleet: { route: '/fleet', trafic: {} } } }));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown field endpoints\.fleet\.trafic/);
    const notJson = await cli('apply', file('broken.json', '{ "endpoints": '));
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /broken\.json is not valid JSON/);
    assert.equal(revision(), before);
  });

  test('a change made on an instance keeps, for the fleet, a backend that instance could not start', async () => {
    const missing = { modulePath: '/nonexistent/missing.backend.js', exportName: 'Missing', codeVersion: 'sha256:abc' };
    const add = await cli('apply', file('missing.json', { backends: { Missing: missing } }));
    assert.equal(add.code, 1, add.stdout);
    assert.match(add.stderr, /cli-one.*failed.*createBackend\('Missing'\)/s);
    await app.serve.setTraffic('fleet', { FleetA: 1, FleetB: 0 });
    const stored = JSON.parse((await cli('status', '--json')).stdout) as { state: { backends: object } };
    assert.deepEqual(Object.keys(stored.state.backends).sort(), ['FleetA', 'FleetB', 'Missing']);
    assert.equal(await version(), 'A');
    const cleanup = await cli(
      'apply',
      file('cleanup.json', {
        backends: { FleetA: {}, FleetB: {} },
        endpoints: { fleet: { route: '/fleet', traffic: { FleetA: 1, FleetB: 0 } } },
      }),
      '--prune',
    );
    assert.equal(cleanup.code, 0, cleanup.stderr);
  });

  test('a bad option prints the usage and exits 2, without a stack trace', async () => {
    for (const args of [
      ['status', '--bogus'],
      ['status', '--servers'],
      ['status', '--json=1'],
    ]) {
      const bad = await run(...args);
      assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
      assert.match(bad.stderr, /--bogus|--servers|--json/);
      assert.match(bad.stderr, /Usage: nestjs-serve status/);
      assert.doesNotMatch(bad.stderr, /ERR_PARSE_ARGS|\n\s+at /);
    }
  });

  test('options may come before the command', async () => {
    const text = await run('--servers', nats.url, '--prefix', prefix, 'status');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Fleet desired state: revision/);
  });

  test('a server that accepts but never speaks NATS: one message, and the CLI exits at once', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const res = await run('status', '--servers', `nats://127.0.0.1:${(silent.address() as AddressInfo).port}`);
      assert.equal(res.code, 1, res.stderr);
      assert.ok(Date.now() - started < 15_000, `exited after ${Date.now() - started} ms`);
      assert.deepEqual(res.stderr.trim().split('\n').length, 1, res.stderr);
      assert.match(res.stderr, /Cannot reach NATS at nats:\/\/127\.0\.0\.1:\d+ \(timeout\)/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('a NATS server without JetStream: the CLI says to enable it, not what an app instance does', async () => {
    const plain = await startNats();
    try {
      const res = await run('status', '--servers', plain.url);
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, /offers no JetStream.*nats-server -js/);
      assert.doesNotMatch(res.stderr, /this instance|in memory/);
    } finally {
      await plain.stop();
    }
  });

  test('prefixes that differ only in characters a bucket name cannot hold get different buckets', async () => {
    const dotted = await run('status', '--servers', nats.url, '--prefix', `${prefix}.x`);
    assert.equal(dotted.code, 0, dotted.stderr);
    assert.match(dotted.stdout, new RegExp(`bucket '${prefix}_x_[0-9a-f]{8}-fleet'`));
    const plain = await run('status', '--servers', nats.url, '--prefix', `${prefix}_x`);
    assert.match(plain.stdout, new RegExp(`bucket '${prefix}_x-fleet'`));
  });

  test('a prefix too long for a JetStream bucket: one line naming the limit, exit 2', async () => {
    const res = await run('status', '--servers', nats.url, '--prefix', 'x'.repeat(300));
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.match(res.stderr, /\(300 characters;.*at most 242 characters/);
  });

  test("a state over NATS's max_payload: the plan shortened, one line naming both sizes, exit 2", async () => {
    const before = revision();
    const huge = file('huge.json', { backends: { FleetA: { config: { userConfig: 'x'.repeat(1_100_000) } } } });
    const res = await cli('apply', huge);
    assert.equal(res.code, 2, res.stderr);
    assert.ok(res.stdout.length < 2000, `the plan is ${res.stdout.length} characters`);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr.slice(0, 2000));
    assert.match(res.stderr, /huge\.json: .*would be 11\d{5} bytes .*max_payload \(1048576 bytes\)/);
    assert.equal(revision(), before);
  });
});
