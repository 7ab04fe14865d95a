import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { plan } from '../../scripts/test-prerequisites.mjs';

const script = join(__dirname, '../../scripts/test-prerequisites.mjs');
const all = { hasNats: true, hasChromium: true, isRoot: false, hasSudo: false, hasAptGet: true };

describe('what npm test brings before it runs (plan)', () => {
  test('nothing to do when nats-server and chromium are there', () => {
    assert.deepEqual(plan(all), { action: 'ready', missing: [] });
  });

  test('installs what is missing with apt-get as root, or with sudo -n', () => {
    assert.deepEqual(plan({ ...all, hasNats: false, isRoot: true }), {
      action: 'install',
      missing: ['nats-server'],
      run: [],
    });
    assert.deepEqual(plan({ ...all, hasChromium: false, hasSudo: true }), {
      action: 'install',
      missing: ['chromium'],
      run: ['sudo', '-n'],
    });
  });

  test('stops with one line naming the command when it may not install', () => {
    const decision = plan({ ...all, hasNats: false, hasChromium: false });
    assert.equal(decision.action, 'stop');
    assert.equal(
      decision.line,
      "npm test needs nats-server and chromium: run `sudo sh -c 'apt-get update && apt-get install -y nats-server chromium'`, then npm test again.",
    );
    assert.match(
      plan({ ...all, hasNats: false, isRoot: true, hasAptGet: false }).line ?? '',
      /has no apt-get: install nats-server/,
    );
  });
});

describe('the pretest script on a machine without nats-server and chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-prereq-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const chromium = join(dir, 'chromium');
  // A stand-in apt-get (the layer below): records its arguments and "installs" both programs.
  writeFileSync(
    join(dir, 'apt-get'),
    `#!/bin/sh\necho "$@" >> "${dir}/apt.log"\nif [ "$1" = install ]; then printf '#!/bin/sh\\n' > "${dir}/nats-server"; /bin/cp "${dir}/nats-server" "${chromium}"; /bin/chmod +x "${dir}/nats-server" "${chromium}"; fi\n`,
  );
  chmodSync(join(dir, 'apt-get'), 0o755);
  const run = () =>
    spawnSync(process.execPath, [script], { env: { PATH: dir, CHROMIUM_PATH: chromium }, encoding: 'utf8' });

  test('installs both (as root) or stops with the command to run, never passes silently', () => {
    const first = run();
    if (process.getuid?.() === 0) {
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /installing nats-server and chromium with apt-get/);
      assert.deepEqual(readFileSync(join(dir, 'apt.log'), 'utf8').trim().split('\n'), [
        'update -qq',
        'install -y -qq nats-server chromium',
      ]);
      const again = run();
      assert.equal(again.status, 0);
      assert.equal(again.stdout, '', 'a second run finds both and does nothing');
    } else {
      assert.equal(first.status, 1);
      assert.match(first.stderr, /npm test needs nats-server and chromium: run `sudo sh -c/);
      assert.equal(existsSync(join(dir, 'apt.log')), false);
    }
  });
});
