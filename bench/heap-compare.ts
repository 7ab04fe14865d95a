/**
 * Compares two V8 heap snapshots (e.g. the soak's `host-window-start` and `host-end`): object counts
 * and shallow sizes by constructor, the kinds that grew most first, then the ones that shrank most.
 * Usage: `node -r @swc-node/register bench/heap-compare.ts before.heapsnapshot after.heapsnapshot [rows]`.
 */
import { readFileSync } from 'node:fs';
import { countByConstructor, diffCounts, type HeapCountDelta, type HeapSnapshotFile } from './lib/heap.counts';

function main(): void {
  const [beforeFile, afterFile, rowsArg] = process.argv.slice(2);
  if (!beforeFile || !afterFile)
    throw new Error('usage: bench/heap-compare.ts before.heapsnapshot after.heapsnapshot [rows]');
  const rows = Number(rowsArg) || 25;
  const load = (file: string): HeapSnapshotFile => JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotFile;
  const before = countByConstructor(load(beforeFile));
  const after = countByConstructor(load(afterFile));
  const total = (m: typeof before): { count: number; size: number } =>
    [...m.values()].reduce((t, c) => ({ count: t.count + c.count, size: t.size + c.selfSize }), { count: 0, size: 0 });
  const [tb, ta] = [total(before), total(after)];
  const deltas = diffCounts(before, after);
  const row = (d: HeapCountDelta): string =>
    `| \`${d.key.replace(/\|/g, '\\|').slice(0, 70)}\` | ${d.before.count} | ${d.after.count} | ${d.after.count - d.before.count} | ${((d.after.selfSize - d.before.selfSize) / 1024).toFixed(1)} |`;
  const header = ['| kind | before | after | Δ count | Δ self size KiB |', '| --- | --- | --- | --- | --- |'];
  const lines = [
    `Heap: ${tb.count} nodes, ${(tb.size / 1048576).toFixed(1)} MiB → ${ta.count} nodes, ${(ta.size / 1048576).toFixed(1)} MiB`,
    '',
    'Grew most:',
    '',
    ...header,
    ...deltas
      .filter((d) => d.after.count > d.before.count)
      .slice(0, rows)
      .map(row),
    '',
    'Shrank most:',
    '',
    ...header,
    ...deltas
      .filter((d) => d.after.count < d.before.count)
      .reverse()
      .slice(0, Math.ceil(rows / 2))
      .map(row),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main();
