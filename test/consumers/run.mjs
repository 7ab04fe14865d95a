// Consumer apps, each installed from the packed tarball as a user would, run through the checks of
// checks.cjs: Nest 12 (CommonJS compiled and under swc-node, ES modules compiled and under tsx, Vitest;
// type-checked with TypeScript 6 and 7), Nest 11 (Jest with ts-jest, Terminus 11), and the README's
// five-minute guide followed to the letter. The apps run from a folder outside the repository (APPS):
// inside it, a package the app lacks (@nestjs/terminus, @nats-io/*) would resolve from the repository's
// own node_modules. One install per Nest major, redone only when its package.json changes. The sources
// the apps have in common live once in shared/ and are copied into each app first (see SHARED).
// Usage: npm run test:consumers (builds first), or node test/consumers/run.mjs [name filter].
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const hash = (text) => createHash('sha256').update(text).digest('hex');
/** Where the apps are copied, installed and run: outside the repository, one folder per checkout. */
const APPS = join(tmpdir(), `nestjs-serve-consumers-${hash(repo).slice(0, 12)}`);
const { runChecks } = createRequire(import.meta.url)('./checks.cjs');
const filter = process.argv[2];
const started = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);

/**
 * The sources every app would hold the same copy of, written once in shared/ and copied into each app's
 * copy in APPS before anything builds or runs it. Copies, not a tsconfig `include` of shared/: a file
 * resolves its imports from its own folder. Files with relative imports
 * differ by module system: CommonJS apps import `./app.module`, the ES-module app `./app.module.js` (its
 * own `src/app.module.ts`, `src/main.ts`, `test/app.spec.ts`).
 */
const SHARED = [
  ['demo.backend.ts', ['nest11/src', 'nest12/cjs/src', 'nest12/esm/src']],
  ['greet.backend.ts', ['nest11/src', 'nest12/cjs/src', 'nest12/esm/src']],
  ['admin.controller.ts', ['nest11/src', 'nest12/cjs/src', 'nest12/esm/src']],
  ['users.module.ts', ['nest11/src', 'nest12/cjs/src', 'nest12/esm/src']],
  ['commonjs/app.module.ts', ['nest11/src', 'nest12/cjs/src']],
  ['commonjs/main.ts', ['nest11/src', 'nest12/cjs/src']],
  ['testing-app.ts', ['nest11/test', 'nest12/esm/test']],
];

/** Copies each app (all but its installed node_modules, kept between runs), checks.cjs and shared/ into APPS. */
function copyApps() {
  mkdirSync(APPS, { recursive: true });
  copyFileSync(join(here, 'checks.cjs'), join(APPS, 'checks.cjs'));
  for (const app of ['nest11', 'nest12']) {
    const target = join(APPS, app);
    mkdirSync(target, { recursive: true });
    for (const entry of readdirSync(target))
      if (entry !== 'node_modules') rmSync(join(target, entry), { recursive: true, force: true });
    const skip = /[\\/](node_modules|dist)$/;
    cpSync(join(here, app), target, { recursive: true, filter: (from) => !skip.test(from) });
  }
  for (const [file, folders] of SHARED)
    for (const folder of folders) {
      mkdirSync(join(APPS, folder), { recursive: true });
      copyFileSync(join(here, 'shared', file), join(APPS, folder, basename(file)));
    }
}

function sh(cwd, cmd, args, env = {}) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
}

/** Packs the built package into .pack/ and installs it (and, when package.json changed, the rest) in `folder`. */
function install(folder, tarball) {
  const cwd = join(APPS, folder);
  const stampFile = join(cwd, 'node_modules', '.consumer-stamp');
  const stamp = hash(readFileSync(join(cwd, 'package.json')));
  const t = Date.now();
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
    sh(cwd, 'npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error']);
    writeFileSync(stampFile, stamp);
  }
  reinstall(cwd, tarball, ['--no-save', '--no-package-lock']);
  console.log(`# ${folder}: installed in ${seconds(t)} s`);
}

/** Installs this run's tarball in `cwd`, a fresh copy: npm may keep a package whose tarball has the same version. */
function reinstall(cwd, tarball, flags = []) {
  rmSync(join(cwd, 'node_modules', 'nestjs-serve'), { recursive: true, force: true });
  sh(cwd, 'npm', ['install', ...flags, '--no-audit', '--no-fund', '--loglevel=error', tarball]);
}

/**
 * Starts an app, waits for its LISTENING line (or `ready`), runs `checks` (default: checks.cjs) on its URL,
 * stops it with SIGTERM and reads its start-up and shutdown logs.
 */
async function serveAndCheck(
  cwd,
  cmd,
  args,
  { ready = /LISTENING (\S+)/, checks = runChecks, endpoint = '/hello' } = {},
) {
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
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => reject(new Error(`exited (${code}) before listening:\n${output}`)));
  });
  const passed = await checks(url).catch((err) => err);
  child.kill('SIGTERM');
  const code = await exited;
  if (passed instanceof Error) throw passed;
  if (!new RegExp(`nestjs-serve.*endpoint '${endpoint}'`).test(output))
    throw new Error(`no start-up log of the endpoints:\n${output}`);
  // Nest's shutdown hook re-raises the signal once the app has closed: exit by SIGTERM is a clean stop.
  if (![0, 'SIGTERM', 143].includes(code)) throw new Error(`exit ${code} after SIGTERM:\n${output}`);
  if (!/drained \d+ requests? in \d+ ms/.test(output)) throw new Error(`no shutdown log:\n${output}`);
  return `${passed.length} checks`;
}

const nest12 = join(APPS, 'nest12');
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
    'nest12 esm: tsx, a function backend the module does not export stops start-up at its line',
    async () => {
      const cwd = join(nest12, 'esm');
      const file = join(cwd, 'src', 'hidden.backend.ts');
      const before = readFileSync(file, 'utf8').split('defineBackend(')[0].split('\n');
      const site = `${file}:${before.length}:${before[before.length - 1].length + 1}`;
      const run = spawnSync(bin12('tsx'), ['src/hidden-main.ts'], { cwd, encoding: 'utf8', timeout: 60_000 });
      const output = run.stdout + run.stderr;
      if (!output.includes(`START-UP FAILED: defineBackend() at ${site} is not exported from ${file}: export it`))
        throw new Error(`expected the refusal at ${site}:\n${output}`);
      return `refused at line ${before.length}`;
    },
  ],
  ['guide: the README five-minute guide to the letter (packed tarball, tsc, tsx)', () => runGuide(tarball)],
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
        for (const app of ['esm', 'cjs']) sh(join(nest12, app), tsc, ['-p', '.', '--noEmit']);
      return 'no type errors';
    },
  ],
  [
    'nest11 cjs: Jest 30 + ts-jest (TypeScript 6), Terminus 11',
    async () => {
      sh(join(APPS, 'nest11'), join(APPS, 'nest11', 'node_modules', '.bin', 'jest'), ['--ci']);
      return 'jest passed';
    },
  ],
].filter(([name]) => !filter || name.includes(filter));

/**
 * Follows the README's five-minute guide in APPS as a user would: its set-up commands, with the packed
 * tarball in place of `nestjs-serve` (run again only when they change; else only the tarball is installed
 * again), every `// file.ts` block, `npx tsc --noEmit` (the guide's tsconfig: skipLibCheck false), then
 * tsx, and checks the answers the guide shows. Only the port changes.
 */
async function runGuide(tarball) {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf('## Five-minute guide');
  const guide = readme.slice(start, readme.indexOf('\n## ', start));
  const setup = /```bash\n([\s\S]*?)```/.exec(guide)[1];
  const dir = join(APPS, /mkdir (\S+)/.exec(setup)[1]);
  const stampFile = join(dir, '.readme-setup');
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== hash(setup)) {
    const script = setup.replace(/^npm i nestjs-serve /m, `npm i ${tarball} `);
    if (script === setup) throw new Error('the guide has no `npm i nestjs-serve ...` line');
    rmSync(dir, { recursive: true, force: true });
    sh(APPS, 'bash', ['-ec', script], { npm_config_audit: 'false', npm_config_fund: 'false' });
    writeFileSync(stampFile, hash(setup));
  } else reinstall(dir, tarball);
  for (const old of readdirSync(dir)) if (old.endsWith('.ts')) rmSync(join(dir, old));
  for (const [, file, code] of guide.matchAll(/```ts\n\/\/ (\S+\.ts)\n([\s\S]*?)```/g))
    writeFileSync(join(dir, file), `// ${file}\n${code}`);
  const port = await freePort();
  const main = readFileSync(join(dir, 'main.ts'), 'utf8');
  writeFileSync(join(dir, 'main.ts'), main.replace('app.listen(3000)', `app.listen(${port}, '127.0.0.1')`));
  const shown = (after) => JSON.parse(new RegExp(`${after}[^\\n]*\\n# (\\{[^\\n]*?\\})`).exec(guide)[1]);
  const post = async (url, path, body) => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  sh(dir, 'npx', ['tsc', '--noEmit']);
  return serveAndCheck(dir, join(dir, 'node_modules', '.bin', 'tsx'), ['main.ts'], {
    ready: /Nest application successfully started/,
    endpoint: '/sentiment',
    checks: async () => {
      const url = `http://127.0.0.1:${port}`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => post(url, '/sentiment', '{"text":"I love it"}')),
      );
      const v1 = answers.find((a) => a.body.version === 'v1');
      if (answers.some((a) => a.status !== 200) || !v1) throw new Error(`guide: ${JSON.stringify(answers)}`);
      if (JSON.stringify(v1.body) !== JSON.stringify(shown('localhost:3000/sentiment')))
        throw new Error(
          `guide shows ${JSON.stringify(shown('localhost:3000/sentiment'))}, the app answers ${JSON.stringify(v1.body)}`,
        );
      const refused = await post(url, '/admin/canary', '{"share":2}');
      if (refused.status !== 400) throw new Error(`guide: share 2 answered ${refused.status}`);
      if ((await post(url, '/admin/threshold', '{"threshold":2}')).status !== 201) throw new Error('guide: threshold');
      await post(url, '/admin/canary', '{"share":0}');
      const after = await post(url, '/sentiment', '{"text":"I love it"}');
      if (after.body.label !== 'other') throw new Error(`guide: threshold not applied: ${JSON.stringify(after.body)}`);
      return ['npx tsc --noEmit', 'answers as the guide shows', 'an invalid share is a 400', 'a threshold update'];
    },
  });
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

copyApps();
const pack = join(APPS, '.pack');
rmSync(pack, { recursive: true, force: true });
mkdirSync(pack);
execFileSync('npm', ['pack', '--silent', '--pack-destination', pack], {
  cwd: repo,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const tarball = join(pack, readdirSync(pack)[0]);
for (const folder of new Set(scenarios.map(([name]) => name.split(' ')[0])))
  if (folder.startsWith('nest')) install(folder, tarball);

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
