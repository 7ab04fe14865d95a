import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

// The folder map of src/ has no cycle, and imports point down. Rerun alone with:
//   node --test -r @swc-node/register test/unit/folder.graph.test.ts

const SRC = resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** A file's node: its folder under src/, or the file itself for files at the top of src/. */
function nodeOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  return rel.length > 1 ? `${rel[0]}/` : rel[0].replace(/\.ts$/, '');
}

interface Edge {
  from: string;
  to: string;
  file: string;
  spec: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/(?:from|import|require\()\s*'([^']+)'/g)) {
      if (!spec.startsWith('.')) {
        out.push({ from: nodeOf(file), to: spec, file, spec });
        continue;
      }
      const target = resolve(dirname(file), spec);
      out.push({ from: nodeOf(file), to: nodeOf(target + '.ts'), file, spec });
    }
  }
  return out;
}

function graph(): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const e of edges()) {
    if (e.from === e.to || !e.spec.startsWith('.')) continue;
    if (!g.has(e.from)) g.set(e.from, new Set());
    g.get(e.from)!.add(e.to);
  }
  return g;
}

/** Every cycle found by a depth-first search, as a path of nodes. */
function cycles(g: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of g.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of g.keys()) if (!state.has(node)) visit(node);
  return found;
}

test('the folder graph of src/ has no cycle', () => {
  assert.deepEqual(
    cycles(graph()).map((c) => c.join(' → ')),
    [],
  );
});

test('nothing but index.ts imports module/', () => {
  const offenders = edges().filter((e) => e.to === 'module/' && e.from !== 'module/' && e.from !== 'index');
  assert.deepEqual(
    offenders.map((e) => `${relative(SRC, e.file)} → ${e.spec}`),
    [],
  );
});

test('imports point down: backend/, router/ and fleet/ know nothing of the module, HTTP or the cluster', () => {
  const rules: Record<string, string[]> = {
    'backend/': ['module/', 'http/', 'cluster/', 'cli/'],
    'router/': ['module/', 'backend/', 'http/', 'cluster/', 'replicas/', 'cli/'],
    'replicas/': ['module/', 'backend/', 'cluster/', 'cli/', '@nats-io/transport-node'],
    'http/': ['module/', 'backend/', 'replicas/', 'cluster/'],
    'cluster/': ['module/', 'backend/', 'http/'],
    // The fleet's decisions know no NATS (cluster/ implements its store) and no Nest wiring.
    'fleet/': ['module/', 'cluster/', 'http/', 'cli/', '@nats-io/transport-node', '@nats-io/kv', '@nats-io/jetstream'],
  };
  const offenders = edges().filter((e) => rules[e.from]?.includes(e.to));
  assert.deepEqual(
    offenders.map((e) => `${relative(SRC, e.file)} → ${e.spec}`),
    [],
  );
});

test('backend/ is framework-free: at most type imports from Nest', () => {
  const offenders = sourceFiles(join(SRC, 'backend')).filter((file) =>
    /^import (?!type )[^;]*from '@nestjs\//m.test(readFileSync(file, 'utf8')),
  );
  assert.deepEqual(
    offenders.map((f) => relative(SRC, f)),
    [],
  );
});
