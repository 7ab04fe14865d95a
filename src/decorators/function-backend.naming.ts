import { extname, basename } from 'node:path';
import type { BackendMetadata } from './backend.decorator';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';

/** What `defineBackend()` records on its class until the class is named after its export. */
export interface FunctionBackendRecord {
  /** `defineBackend() at file:line:column`, for messages. */
  where: string;
  /** True once the class carries its final name (and `exportName` is set). */
  named: boolean;
  /** The options as given, checked when the backend is used (the checks live with the module's). */
  options: unknown;
}

/**
 * Names the class `defineBackend()` generated after the export that holds it in its module
 * (`export const hello = defineBackend(...)` → class and default backend name `hello`), and sets
 * `exportName` so that every replica, which evaluates the module again and so gets another class,
 * finds it by that export: export names are unique in a module and the same on each evaluation,
 * which call positions (they depend on the TypeScript loader) and call counts are not.
 * Throws a ServeError when the module is loaded but does not export the class, or when its exports
 * cannot be read and the class has no name of its own.
 */
export function nameFunctionBackend(cls: Function, metadata: BackendMetadata, record: FunctionBackendRecord): void {
  if (record.named) return;
  const file = metadata.definedIn;
  if (metadata.exportName || !file) return finish(record);
  const exports = loadedExports(file);
  if (exports === undefined) {
    if (!cls.name) throw new ServeError('INVALID_CONFIG', messages.functionBackendUnnamed(record.where, file));
    return finish(record);
  }
  const key = exportKeyOf(exports, cls);
  if (key === undefined)
    throw new ServeError('INVALID_CONFIG', messages.functionBackendNotExported(record.where, file));
  metadata.exportName = key;
  if (key !== 'default') Object.defineProperty(cls, 'name', { value: key, configurable: true });
  else if (!cls.name) Object.defineProperty(cls, 'name', { value: basename(file, extname(file)), configurable: true });
  finish(record);
}

/** The export of `exports` that holds `value` (a named one before `default`), or undefined. */
export function exportKeyOf(exports: unknown, value: unknown): string | undefined {
  if (exports === null || (typeof exports !== 'object' && typeof exports !== 'function')) return undefined;
  const keys = Object.keys(exports).filter((k) => (exports as Record<string, unknown>)[k] === value);
  return keys.find((k) => k !== 'default') ?? keys[0];
}

/**
 * The exports of `file` as this process already loaded it, without evaluating it again: the
 * CommonJS cache, or for an ES module (`.mjs`) Node's `require(esm)` of the loaded module.
 * Undefined when they cannot be read (a test runner's own module registry, a module still loading).
 */
function loadedExports(file: string): unknown {
  const cached = require.cache[file];
  if (cached) return cached.loaded || Object.keys(cached.exports ?? {}).length ? cached.exports : undefined;
  if (!/\.mjs$/.test(file)) return undefined;
  try {
    return require(file);
  } catch {
    return undefined;
  }
}

function finish(record: FunctionBackendRecord): void {
  record.named = true;
}
