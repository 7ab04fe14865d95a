import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ReplicaHost } from '../../src';
import { sharedNats } from '../helpers/processes';
import { serveAppForSuite, tally, waitFor } from '../helpers/serve-app';

const TEMPLATE = readFileSync(join(__dirname, '../fixtures/pinned.backend.ts'), 'utf8').replace(
  "from '../../src'",
  `from ${JSON.stringify(join(__dirname, '../../src'))}`,
);
const dirs: string[] = [];

/** Writes a copy of the Pinned fixture answering `answer` into a new temp folder; returns its path. */
function copyAnswering(answer: string, file?: string): string {
  if (!file) {
    const dir = mkdtempSync(join(tmpdir(), 'nestjs-serve-pin-'));
    dirs.push(dir);
    file = join(dir, 'pinned.backend.ts');
  }
  writeFileSync(file, TEMPLATE.replace("return 'A';", `return '${answer}';`));
  return file;
}

function shortVersion(file: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 8)}`;
}

type Replicas = { id: string; state: string; host: string }[];

/**
 * One code version per backend: a replica whose module file differs from the version the
 * backend was created with refuses to start (locally and on a replica host); a code change is
 * deployed as a new backend plus a traffic change.
 */
describe('code pinning', () => {
  const prefix = `p${randomBytes(4).toString('hex')}`;
  let nats: { url: string; stop(): Promise<void> };
  const hosts: ReplicaHost[] = [];
  const hostLog: string[] = [];
  before(async () => {
    nats = await sharedNats();
  });
  const s = serveAppForSuite({
    backends: [],
    get cluster() {
      return { servers: nats.url, prefix };
    },
  });
  after(async () => {
    for (const host of hosts) await host.stop();
    await nats?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const answers = async (path: string, n: number) =>
    tally(await Promise.all(Array.from({ length: n }, () => s.http.get(path).then((r) => r.text))));

  test('a file edited while the backend runs: the scale-up is refused naming both versions, and every call still answers A; a new backend then serves B', async (t) => {
    const file = copyAnswering('A');
    const { Pinned } = require(file) as typeof import('../fixtures/pinned.backend');
    const versionA = shortVersion(file);
    await s.serve.createBackend('pinned', Pinned, { numReplicas: 1 });
    await s.serve.createEndpoint('pinned', { backend: 'pinned', route: '/pinned' });
    assert.equal(s.serve.listBackends().pinned.codeVersion, versionA);
    assert.match(versionA, /^sha256:[0-9a-f]{8}$/);
    const { codeVersion, version } = s.serve.status().backends.pinned;
    assert.deepEqual(
      [codeVersion, version],
      [versionA, versionA],
      "status() names it as listBackends() does; 'version' is its old name",
    );

    copyAnswering('B', file);
    const versionB = shortVersion(file);
    assert.notEqual(versionB, versionA);
    const error = await s.serve.updateBackendConfig('pinned', { numReplicas: 3 }).then(
      () => assert.fail('the scale-up to 3 was accepted'),
      (err: Error) => err,
    );
    assert.ok(error.message.includes(`Backend 'pinned' runs code version ${versionA} of ${file}`), error.message);
    assert.ok(error.message.includes(`that file is now ${versionB}`), error.message);
    assert.match(
      error.message,
      /create a new backend from it \(createBackend\('pinned-v2', TheClass\)\) and move traffic/,
    );
    assert.equal(s.serve.getBackendConfig('pinned').numReplicas, 1, 'the refused scale leaves the old state');
    const replicas = s.serve.listBackends().pinned.replicas as Replicas;
    assert.deepEqual(
      replicas.map((r) => r.state),
      ['ready'],
    );
    assert.deepEqual([...(await answers('/pinned', 30))], [['A', 30]]);

    // The documented path: the edited code as a new backend, then a traffic change.
    await s.serve.createBackend('pinned-v2', Pinned, { numReplicas: 2 });
    assert.equal(s.serve.listBackends()['pinned-v2'].codeVersion, versionB);
    await s.serve.setTraffic('pinned', { 'pinned-v2': 1 });
    assert.deepEqual([...(await answers('/pinned', 30))], [['B', 30]]);
    t.diagnostic(
      `pinned ${versionA}, file edited to ${versionB}: scale refused, 30 × A; pinned-v2 ${versionB}: 30 × B`,
    );
  });

  test('a replacement after a crash refuses the edited file too, keeps retrying, and starts once the file is put back', async () => {
    const file = copyAnswering('A');
    const original = readFileSync(file);
    const { Pinned } = require(file) as typeof import('../fixtures/pinned.backend');
    await s.serve.createBackend('pinned-crash', Pinned, { replica: 'process', numReplicas: 1 });
    await s.serve.createEndpoint('pinned-crash', { backend: 'pinned-crash', route: '/pinned-crash' });
    const pid = async () => Number((await s.http.get('/pinned-crash').set('x-serve-call-method', 'pid')).text);
    const victim = await pid();
    copyAnswering('B', file);
    process.kill(victim, 'SIGKILL');
    await waitFor('a refused replacement', () =>
      String(s.serve.listBackends()['pinned-crash'].lastError).includes(`that file is now ${shortVersion(file)}`),
    );
    assert.equal(
      (s.serve.listBackends()['pinned-crash'].replicas as Replicas).filter((r) => r.state === 'ready').length,
      0,
    );
    writeFileSync(file, original);
    await waitFor('the replacement', () => s.serve.listBackends()['pinned-crash'].status === 'running', 15_000);
    assert.deepEqual([...(await answers('/pinned-crash', 10))], [['A', 10]]);
    assert.notEqual(await pid(), victim);
  });

  test('a replica host whose copy of the module differs refuses to start the replica, naming both versions; one with the same bytes serves', async () => {
    const appFile = copyAnswering('A');
    const { Pinned } = require(appFile) as typeof import('../fixtures/pinned.backend');
    await s.serve.createBackend('pinned-remote', Pinned, { placement: 'remote' });
    await s.serve.createEndpoint('pinned-remote', { backend: 'pinned-remote', route: '/pinned-remote' });
    const pinned = shortVersion(appFile);

    const otherFile = copyAnswering('other');
    const stale = new ReplicaHost({
      servers: nats.url,
      prefix,
      modules: [otherFile],
      name: 'stale-host',
      log: (_level, message) => void hostLog.push(message),
    });
    hosts.push(stale);
    await stale.start();
    const expected = `Replica host stale-host has code version ${shortVersion(otherFile)} of ${otherFile} for backend 'pinned-remote', but the app pinned 'pinned-remote' to ${pinned}`;
    await waitFor('the refusal', () => String(s.serve.listBackends()['pinned-remote'].lastError).includes(expected));
    assert.ok(
      hostLog.some((line) => line.includes(expected)),
      hostLog.join('\n'),
    );
    assert.deepEqual(s.serve.listBackends()['pinned-remote'].replicas, []);
    await stale.stop();

    const sameBytes = copyAnswering('A');
    const good = new ReplicaHost({
      servers: nats.url,
      prefix,
      modules: [sameBytes],
      name: 'good-host',
      log: () => undefined,
    });
    hosts.push(good);
    await good.start();
    await waitFor('a replica on good-host', () =>
      (s.serve.listBackends()['pinned-remote'].replicas as Replicas).some(
        (r) => r.state === 'ready' && r.host === 'good-host',
      ),
    );
    assert.deepEqual([...(await answers('/pinned-remote', 10))], [['A', 10]]);
  });
});
