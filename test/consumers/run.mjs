// Consumer apps, each installed from the packed tarball as a user would, run through the checks of
// checks.cjs: Nest 12 (CommonJS compiled and under swc-node, ES modules compiled and under tsx, Vitest;
// type-checked with TypeScript 6 and 7) and Nest 11 (Jest with ts-jest). One install per Nest major,
// kept in that folder's node_modules and redone only when its package.json changes.
// Usage: npm run test:consumers (builds first), or node test/consumers/run.mjs [name filter].
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const { runChecks } = createRequire(import.meta.url)('./checks.cjs');
const filter = process.argv[2];
const started = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

function sh(cwd, cmd, args, env = {}) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
}

/** Packs the built package into .pack/ and installs it (and, when package.json changed, the rest) in `folder`. */
function install(folder, tarball) {
  const cwd = join(here, folder);
  const stampFile = join(cwd, 'node_modules', '.consumer-stamp');
  const stamp = createHash('sha256')
    .update(readFileSync(join(cwd, 'package.json')))
    .digest('hex');
  const t = Date.now();
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    sh(cwd, 'npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error']);
    writeFileSync(stampFile, stamp);
  }
  // A fresh copy every run: npm may keep an installed package whose tarball has the same name and version.
  rmSync(join(cwd, 'node_modules', 'nestjs-serve'), { recursive: true, force: true });
  sh(cwd, 'npm', ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball]);
  console.log(`# ${folder}: installed in ${seconds(t)} s`);
}

/** Starts an app, waits for its LISTENING line, runs the checks, stops it with SIGTERM and reads its shutdown log. */
async function serveAndCheck(cwd, cmd, args) {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '0' } });
  let output = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no LISTENING line within 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /LISTENING (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => reject(new Error(`exited (${code}) before listening:\n${output}`)));
  });
  const passed = await runChecks(url).catch((err) => err);
  child.kill('SIGTERM');
  const code = await exited;
  if (passed instanceof Error) throw passed;
  if (!/nestjs-serve.*endpoint '\/hello'/.test(output)) throw new Error(`no start-up log of the endpoints:\n${output}`);
  // Nest's shutdown hook re-raises the signal once the app has closed: exit by SIGTERM is a clean stop.
  if (![0, 'SIGTERM', 143].includes(code)) throw new Error(`exit ${code} after SIGTERM:\n${output}`);
  if (!/drained \d+ requests? in \d+ ms/.test(output)) throw new Error(`no shutdown log:\n${output}`);
  return `${passed.length} checks`;
}

const nest12 = join(here, 'nest12');
const bin12 = (name) => join(nest12, 'node_modules', '.bin', name);
const tsc7 = join(nest12, 'node_modules', 'typescript7', 'bin', 'tsc');
const scenarios = [
  [
    'nest12 cjs: tsc (TypeScript 6), node',
    async () => {
      const cwd = join(nest12, 'cjs');
      rmSync(join(cwd, 'dist'), { recursive: true, force: true });
      sh(cwd, bin12('tsc'), ['-p', '.']);
      return serveAndCheck(cwd, process.execPath, ['dist/main.js']);
    },
  ],
  [
    'nest12 cjs: node -r @swc-node/register',
    () => serveAndCheck(join(nest12, 'cjs'), process.execPath, ['-r', '@swc-node/register', 'src/main.ts']),
  ],
  [
    'nest12 esm: tsc (TypeScript 6), node',
    async () => {
      const cwd = join(nest12, 'esm');
      rmSync(join(cwd, 'dist'), { recursive: true, force: true });
      sh(cwd, bin12('tsc'), ['-p', 'tsconfig.build.json']);
      return serveAndCheck(cwd, process.execPath, ['dist/main.js']);
    },
  ],
  ['nest12 esm: tsx', () => serveAndCheck(join(nest12, 'esm'), bin12('tsx'), ['src/main.ts'])],
  [
    'nest12 esm: Vitest 4.1 + unplugin-swc',
    async () => {
      sh(join(nest12, 'esm'), bin12('vitest'), ['run']);
      return 'vitest passed';
    },
  ],
  [
    'nest12 type-check: TypeScript 6 and 7 (esm and cjs)',
    async () => {
      for (const tsc of [bin12('tsc'), tsc7])
        for (const app of ['esm', 'cjs'])
          sh(join(nest12, app), tsc, ['-p', '.', '--noEmit', '--skipLibCheck', 'false']);
      return 'no type errors';
    },
  ],
  [
    'nest11 cjs: Jest 30 + ts-jest (TypeScript 6)',
    async () => {
      sh(join(here, 'nest11'), join(here, 'nest11', 'node_modules', '.bin', 'jest'), ['--ci']);
      return 'jest passed';
    },
  ],
].filter(([name]) => !filter || name.includes(filter));

const pack = join(here, '.pack');
rmSync(pack, { recursive: true, force: true });
mkdirSync(pack);
execFileSync('npm', ['pack', '--silent', '--pack-destination', pack], {
  cwd: repo,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const tarball = join(pack, readdirSync(pack)[0]);
for (const folder of new Set(scenarios.map(([name]) => name.split(' ')[0]))) install(folder, tarball);

let failed = 0;
for (const [name, run] of scenarios) {
  const t = Date.now();
  try {
    console.log(`ok - ${name}: ${await run()} (${seconds(t)} s)`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${name} (${seconds(t)} s)\n${err.stack ?? err}`);
  }
}
console.log(`# consumers: ${scenarios.length - failed}/${scenarios.length} passed in ${seconds(started)} s`);
process.exitCode = failed ? 1 : 0;
