/** The parts of a V8 `.heapsnapshot` file (JSON) that object counting reads. */
export interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  strings: string[];
}

/** Live objects of one kind in a heap snapshot. */
export interface HeapCount {
  count: number;
  /** Sum of their shallow sizes, bytes. */
  selfSize: number;
}

/** One kind of object whose count differs between two snapshots. */
export interface HeapCountDelta {
  key: string;
  before: HeapCount;
  after: HeapCount;
}

/** Node types counted by their constructor (objects) or function name (closures). */
const NAMED_TYPES = new Set(['object', 'closure', 'native', 'regexp', 'array']);

/**
 * Counts the nodes of a heap snapshot by kind: objects by constructor name, closures by function
 * name, arrays by their label, everything else (strings, code, hidden) by node type alone.
 */
export function countByConstructor(file: HeapSnapshotFile): Map<string, HeapCount> {
  const fields = file.snapshot.meta.node_fields;
  const types = file.snapshot.meta.node_types[0] as string[];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const counts = new Map<string, HeapCount>();
  for (let i = 0; i < file.nodes.length; i += width) {
    const type = types[file.nodes[i + typeAt]];
    const key = NAMED_TYPES.has(type)
      ? `${type === 'object' ? '' : `(${type}) `}${file.strings[file.nodes[i + nameAt]]}`
      : `(${type})`;
    const entry = counts.get(key) ?? { count: 0, selfSize: 0 };
    entry.count++;
    entry.selfSize += file.nodes[i + sizeAt];
    counts.set(key, entry);
  }
  return counts;
}

/** Kinds whose count changed from `before` to `after`, largest growth first. */
export function diffCounts(before: Map<string, HeapCount>, after: Map<string, HeapCount>): HeapCountDelta[] {
  const none: HeapCount = { count: 0, selfSize: 0 };
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((key) => ({ key, before: before.get(key) ?? none, after: after.get(key) ?? none }))
    .filter((d) => d.before.count !== d.after.count)
    .sort((a, b) => b.after.count - b.before.count - (a.after.count - a.before.count));
}
