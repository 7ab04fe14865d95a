import { fileURLToPath } from 'node:url';
import { sep } from 'node:path';
import { resolve } from 'node:path';

const PACKAGE_DIRS = [resolve(__dirname, '..') + sep];
const HELPER_FILE = /[\\/]node_modules[\\/](tslib|@swc[\\/]helpers|reflect-metadata|@babel[\\/]runtime)[\\/]/;

/** Where a call came from: the file, and the line and column in it (1-based, of the code as loaded). */
export interface DefiningSite {
  file: string;
  line: number;
  column: number;
}

/**
 * Finds the file whose top-level code is running the caller: for a class decorator, the module
 * that declares the class. Frames of this package and of decorator helpers are skipped.
 */
export function locateDefiningFile(): string | undefined {
  return locateDefiningSite()?.file;
}

/** Like {@link locateDefiningFile}, with the line and column of the call. */
export function locateDefiningSite(): DefiningSite | undefined {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.stackTraceLimit = 50;
    Error.prepareStackTrace = (_err, sites) => sites;
    Error.captureStackTrace(holder, locateDefiningSite);
    const sites = holder.stack ?? [];
    for (const site of sites) {
      const file = toPath(site.getFileName() ?? undefined);
      if (!file || file.startsWith('node:') || HELPER_FILE.test(file)) continue;
      if (PACKAGE_DIRS.some((dir) => file.startsWith(dir))) continue;
      return { file, line: site.getLineNumber() ?? 0, column: site.getColumnNumber() ?? 0 };
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
}

function toPath(file: string | undefined): string | undefined {
  if (!file) return undefined;
  return file.startsWith('file://') ? fileURLToPath(file) : file;
}
