import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** The parts of a V8 `.cpuprofile` read here. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Time attributed to one function or file. */
export interface TimeShare {
  name: string;
  ms: number;
  percent: number;
}

/** A profile's busy time (idle left out), top functions by self time, top files/packages by self time, and library functions by inclusive time. */
export interface ProfileSummary {
  busyMs: number;
  self: TimeShare[];
  files: TimeShare[];
  libraryInclusive: TimeShare[];
}

/** URLs of the library's own code (its sources or their transpiled copy), not `src/` folders of packages. */
const isLibrary = (url: string): boolean => !url.includes('/node_modules/') && /\/src\//.test(url);

/** Summarises a profile; `limit` rows per list. */
export function summarizeProfile(profile: CpuProfile, limit = 12): ProfileSummary {
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busyMs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    busyMs += ms;
    bump(self, label(node), ms);
    bump(files, fileOf(node.callFrame.url), ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (!isLibrary(frame.callFrame.url)) continue;
      const name = label(frame);
      if (!seen.has(name)) bump(inclusive, name, ms);
      seen.add(name);
    }
  });
  const top = (map: Map<string, number>): TimeShare[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, ms]) => ({ name, ms, percent: (100 * ms) / busyMs }));
  return { busyMs, self: top(self), files: top(files), libraryInclusive: top(inclusive) };
}

function bump(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''}`;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const i = path.lastIndexOf('node_modules/');
  return i >= 0
    ? path.slice(i + 'node_modules/'.length)
    : path.replace(/^.*\/\.bench-tmp\/js\//, '').replace(/^.*\/work\/main\//, '');
}

/** The package (`express`, `@nestjs/core`), library file (`src/...`), `node:` module, or `(native)` of a URL. */
function fileOf(url: string): string {
  if (!url) return '(native / V8)';
  const short = shortUrl(url);
  if (url.includes('node_modules/'))
    return short.startsWith('@') ? short.split('/').slice(0, 2).join('/') : short.split('/')[0];
  return short.startsWith('node:') ? 'node: internals' : short;
}

/** A text summary of every `.cpuprofile` under `dir`. */
export function summarizeProfiles(dir: string, limit = 12): string {
  const files = walk(dir).filter((f) => f.endsWith('.cpuprofile'));
  const list = (title: string, rows: TimeShare[]): string =>
    `  ${title}\n${rows.map((t) => `    ${t.ms.toFixed(0).padStart(7)} ms ${t.percent.toFixed(1).padStart(5)}%  ${t.name}`).join('\n')}`;
  const blocks = files.map((file) => {
    const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, limit);
    return [
      `${relative(dir, file)} — main thread busy ${s.busyMs.toFixed(0)} ms`,
      list('self time by function', s.self),
      list('self time by package / file', s.files),
      list('nestjs-serve functions, inclusive time', s.libraryInclusive),
    ].join('\n');
  });
  return `\nCPU profiles in ${dir}:\n\n${blocks.join('\n\n')}\n`;
}

function walk(dir: string): string[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  } catch {
    return [];
  }
}
