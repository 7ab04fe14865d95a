import { readFileSync } from 'node:fs';
import { extname, basename } from 'node:path';
import type { DefiningSite } from './defining-file.locator';
import { findCall, findSourceExport, type SourceExport } from './source-export.finder';
import type { BackendMetadata } from './backend.decorator';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';

/** What `defineBackend()` records on its class until the class is named after its export. */
export interface FunctionBackendRecord {
  /** `defineBackend() at file:line:column`, for messages. */
  where: string;
  /** Where `defineBackend()` was called, when known. */
  site?: DefiningSite;
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
 * The export is read from the module's exports where this process holds them (CommonJS), else from
 * its source text at the call (ES modules, test runners' module registries).
 * Throws a ServeError when the module does not export the class, or when no export can be found
 * for it and it has no name of its own.
 */
export function nameFunctionBackend(cls: Function, metadata: BackendMetadata, record: FunctionBackendRecord): void {
  if (record.named) return;
  const file = metadata.definedIn;
  if (metadata.exportName || !file) return finish(record);
  const exports = loadedExports(file);
  if (exports !== undefined) {
    const key = exportKeyOf(exports, cls);
    if (key === undefined)
      throw new ServeError('INVALID_CONFIG', messages.functionBackendNotExported(record.where, file));
    return nameAfter(cls, metadata, record, key, file);
  }
  const found = record.site?.file === file ? readSourceExport(record.site) : undefined;
  if (found && 'exported' in found) return nameAfter(cls, metadata, record, found.exported, file);
  if (!cls.name && found)
    throw new ServeError('INVALID_CONFIG', messages.functionBackendNotExported(record.where, file));
  if (!cls.name) throw new ServeError('INVALID_CONFIG', messages.functionBackendUnnamed(record.where, file));
  finish(record);
}

function nameAfter(cls: Function, metadata: BackendMetadata, record: FunctionBackendRecord, key: string, file: string) {
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
 * The exports of `file` as this process already loaded it as CommonJS, without evaluating it again.
 * Undefined when they cannot be read: an ES module, a test runner's own module registry, a module
 * still loading.
 */
function loadedExports(file: string): unknown {
  const cached = require.cache[file];
  if (cached) return cached.loaded || Object.keys(cached.exports ?? {}).length ? cached.exports : undefined;
  return undefined;
}

function readSourceExport(site: DefiningSite): SourceExport | undefined {
  const source = readSource(site.file);
  return source === undefined ? undefined : findSourceExport(source, site.line, site.column);
}

/**
 * The site of a `defineBackend()` call moved to the start of its callee in the source, where a source
 * map put it elsewhere in the call (its `(`, or inside its arguments); the site as given when the
 * source shows no call there.
 */
export function callSite(site: DefiningSite): DefiningSite {
  const source = readSource(site.file);
  const call = source === undefined ? undefined : findCall(source, site.line, site.column);
  return call ? { file: site.file, ...call } : site;
}

function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function finish(record: FunctionBackendRecord): void {
  record.named = true;
}
