import { fileURLToPath } from 'node:url';
import { sep } from 'node:path';
import { resolve } from 'node:path';

const PACKAGE_DIRS = [resolve(__dirname, '..') + sep];
const HELPER_FILE = /[\\/]node_modules[\\/](tslib|@swc[\\/]helpers|reflect-metadata|@babel[\\/]runtime)[\\/]/;
const FRAME_POSITION = [/\((.+):(\d+):(\d+)\)$/, /^at (.+):(\d+):(\d+)$/];

/**
 * Where a call came from: the file, and the line and column in it (1-based) of the source as written
 * when a source map of the running code is known (Node's, a loader's or a test runner's), else of the
 * code as loaded.
 */
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
  return callerAsLoaded()?.file;
}

/** Like {@link locateDefiningFile}, with the line and column of the call in the source. */
export function locateDefiningSite(): DefiningSite | undefined {
  const stack = formattedStack();
  const site = callerAsLoaded();
  return site && (mappedPosition(stack, site.file) ?? site);
}

/** The first frame outside this package and decorator helpers, as V8 gives it: in the code as loaded. */
function callerAsLoaded(): DefiningSite | undefined {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.stackTraceLimit = 50;
    Error.prepareStackTrace = (_err, sites) => sites;
    Error.captureStackTrace(holder);
    for (const site of holder.stack ?? []) {
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

/**
 * The stack as the environment formats it: mapped to the source by tsx, `--enable-source-maps`, Jest
 * or Vitest, where V8's call sites give positions in the code a loader generated (tsx: one line).
 */
function formattedStack(): string {
  const previousLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 50;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder);
    return typeof holder.stack === 'string' ? holder.stack : '';
  } catch {
    return '';
  } finally {
    Error.stackTraceLimit = previousLimit;
  }
}

/** The first frame of a formatted stack in `file`: the caller's, the frames before it being in other files. */
function mappedPosition(stack: string, file: string): DefiningSite | undefined {
  for (const frame of stack.split('\n').slice(1)) {
    const match = FRAME_POSITION.map((pattern) => pattern.exec(frame.trim())).find(Boolean);
    if (match && toPath(match[1]) === file) return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

function toPath(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return file.startsWith('file://') ? fileURLToPath(file) : file;
  } catch {
    return undefined;
  }
}
