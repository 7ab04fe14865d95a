import { createRequire } from 'node:module';
import { deployMessages, messages } from '../serve.messages';
import { readCodeVersion, shortCodeVersion } from './code.version';
import type { ReplicaInit } from './replica.protocol';

/** TypeScript loaders tried, in order, when a replica must load a `.ts` backend and none is active. */
const TS_LOADERS = ['@swc-node/register', 'ts-node/register/transpile-only', 'tsx/cjs'];
const TS_FILE = /\.[cm]?tsx?$/;

/**
 * Loads the backend class inside a replica, after checking that its module file is the code
 * version the backend is pinned to (and again after loading it, in case it changed meanwhile).
 * A replica inherits the host's loader flags (`-r @swc-node/register`, `--import tsx`…); when
 * the host's TypeScript support lives in a test runner instead (ts-jest, Vitest), the first TS
 * loader installed in the app is registered here.
 */
export function loadBackendClass(init: ReplicaInit): new (...args: unknown[]) => Record<string, unknown> {
  assertPinnedCode(init);
  const exports = requireModule(init.modulePath);
  assertPinnedCode(init);
  const candidates: unknown[] = [
    (exports as Record<string, unknown>)[init.exportName],
    (exports as Record<string, unknown>).default,
    exports,
    ...Object.values(exports),
  ];
  const cls = candidates.find(
    (value) =>
      typeof value === 'function' &&
      (value.name === init.className || value === (exports as Record<string, unknown>)[init.exportName]),
  );
  if (!cls) throw new Error(messages.notExported(init.className, init.modulePath));
  return cls as new (...args: unknown[]) => Record<string, unknown>;
}

/** The file `require(file)` loads, or `file` itself when it cannot be resolved (yet). */
export function moduleFile(file: string): string {
  try {
    return require.resolve(file);
  } catch {
    return file;
  }
}

/** Throws, naming both versions, when the module file is not the code version `init` pins. */
export function assertPinnedCode(init: ReplicaInit): void {
  const file = moduleFile(init.modulePath);
  const found = readCodeVersion(file);
  if (found === init.codeVersion) return;
  throw new Error(
    deployMessages.codeChanged(
      init.backend,
      init.replicaId,
      file,
      shortCodeVersion(init.codeVersion),
      shortCodeVersion(found),
    ),
  );
}

/** Loads a module by absolute path, registering a TypeScript loader first when it is `.ts`. */
export function requireModule(file: string): Record<string, unknown> | Function {
  if (TS_FILE.test(file)) ensureTypeScriptLoader(file);
  return require(file) as Record<string, unknown> | Function;
}

function ensureTypeScriptLoader(file: string): void {
  if (require.extensions['.ts']) return;
  const requireFromApp = createRequire(file);
  for (const loader of TS_LOADERS) {
    try {
      requireFromApp(loader);
      if (require.extensions['.ts']) return;
    } catch {
      // not installed in the app: try the next one
    }
  }
  throw new Error(messages.noTsLoader(file));
}
