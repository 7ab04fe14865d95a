#!/usr/bin/env node
// Brings what `npm test` needs besides npm packages: Debian's nats-server (the cluster suites start
// their own on loopback) and chromium (the status page is tested in a real browser; playwright-core
// cannot download one here). Runs as `pretest` and from .ci/run. Installs them with apt-get when it
// can (root, or sudo without a password); otherwise stops with one line saying what to run. Never
// lets the suites that need them be skipped.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the tests look for chromium (test/e2e/dashboard.test.ts reads the same variable). */
export const chromiumPath = () => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * What to do, from what is there (pure). `missing` lists the Debian packages to install; `run` is
 * the command prefix that may install them (`[]` as root, `['sudo', '-n']`), or null when none may.
 */
export function plan({ hasNats, hasChromium, isRoot, hasSudo, hasAptGet }) {
  const missing = [...(hasNats ? [] : ['nats-server']), ...(hasChromium ? [] : ['chromium'])];
  if (missing.length === 0) return { action: 'ready', missing };
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!hasAptGet)
    return {
      action: 'stop',
      missing,
      line: `npm test needs ${missing.join(' and ')} and this machine has no apt-get: install ${missing.join(' and ')} with its package manager (chromium at ${chromiumPath()} or set CHROMIUM_PATH), then run npm test again.`,
    };
  if (!isRoot && !hasSudo)
    return {
      action: 'stop',
      missing,
      line: `npm test needs ${missing.join(' and ')}: run \`sudo sh -c '${command}'\`, then npm test again.`,
    };
  return { action: 'install', missing, run: isRoot ? [] : ['sudo', '-n'] };
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function look() {
  return {
    hasNats: onPath('nats-server'),
    hasChromium: executable(chromiumPath()),
    isRoot: process.getuid?.() === 0,
    hasSudo: onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
    hasAptGet: onPath('apt-get'),
  };
}

function main() {
  const decision = plan(look());
  if (decision.action === 'ready') return 0;
  if (decision.action === 'stop') {
    console.error(decision.line);
    return 1;
  }
  console.log(`npm test: installing ${decision.missing.join(' and ')} with apt-get (Debian packages the tests need)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) => {
    const [cmd, ...rest] = [...decision.run, 'apt-get', ...args];
    return spawnSync(cmd, rest, { stdio: 'inherit', env }).status === 0;
  };
  if (!apt('update', '-qq') || !apt('install', '-y', '-qq', ...decision.missing)) {
    console.error(
      `npm test: apt-get could not install ${decision.missing.join(' and ')}; install them by hand, then run npm test again.`,
    );
    return 1;
  }
  const after = plan(look());
  if (after.action !== 'ready') {
    console.error(
      `npm test: ${after.missing.join(' and ')} still missing after apt-get install (chromium is looked for at ${chromiumPath()}).`,
    );
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
