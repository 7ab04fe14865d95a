import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countByConstructor, diffCounts, type HeapSnapshotFile } from '../../bench/lib/heap.counts';

/** A snapshot in V8's layout: nodes as flat [type, name, id, self_size, edge_count] rows. */
function snapshot(rows: [type: number, name: number, size: number][]): HeapSnapshotFile {
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure'], 'string', 'number'],
      },
    },
    nodes: rows.flatMap(([type, name, size], i) => [type, name, i, size, 0]),
    strings: ['Timeout', 'onTick', 'hello', '(object elements)'],
  };
}

test('objects count by constructor, closures by name, strings by type', () => {
  const counts = countByConstructor(
    snapshot([
      [3, 0, 40],
      [3, 0, 40],
      [5, 1, 32],
      [2, 2, 16],
      [1, 3, 8],
    ]),
  );
  assert.deepEqual(counts.get('Timeout'), { count: 2, selfSize: 80 });
  assert.deepEqual(counts.get('(closure) onTick'), { count: 1, selfSize: 32 });
  assert.deepEqual(counts.get('(string)'), { count: 1, selfSize: 16 });
  assert.deepEqual(counts.get('(array) (object elements)'), { count: 1, selfSize: 8 });
});

test('the diff lists changed kinds, largest growth first, new and vanished kinds included', () => {
  const before = countByConstructor(
    snapshot([
      [3, 0, 40],
      [5, 1, 32],
    ]),
  );
  const after = countByConstructor(
    snapshot([
      [3, 0, 40],
      [3, 0, 40],
      [3, 0, 40],
      [2, 2, 16],
    ]),
  );
  assert.deepEqual(
    diffCounts(before, after).map((d) => [d.key, d.after.count - d.before.count]),
    [
      ['Timeout', 2],
      ['(string)', 1],
      ['(closure) onTick', -1],
    ],
  );
});
