import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of a profile. */
export interface SelfTime {
  name: string;
  ms: number;
  percent: number;
}

/** Top `limit` functions by self time in a `.cpuprofile`, idle time left out; also the busy total. */
export function topSelfTime(profile: CpuProfile, limit = 12): { busyMs: number; top: SelfTime[] } {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    const where = frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const busyMs = [...totals.values()].reduce((a, b) => a + b, 0);
  const top = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, ms, percent: (100 * ms) / busyMs }));
  return { busyMs, top };
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const i = path.lastIndexOf('node_modules/');
  return i >= 0 ? path.slice(i + 'node_modules/'.length) : path.replace(/^.*\/\.bench-tmp\/js\//, '').replace(/^.*\/work\/main\//, '');
}

/** A text summary of every `.cpuprofile` under `dir` (one block per file: busy time and top self-time functions). */
export function summarizeProfiles(dir: string, limit = 12): string {
  const files = walk(dir).filter((f) => f.endsWith('.cpuprofile'));
  const blocks = files.map((file) => {
    const { busyMs, top } = topSelfTime(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, limit);
    const lines = top.map((t) => `  ${t.ms.toFixed(0).padStart(7)} ms ${t.percent.toFixed(1).padStart(5)}%  ${t.name}`);
    return `${relative(dir, file)} — busy ${busyMs.toFixed(0)} ms\n${lines.join('\n')}`;
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
