/**
 * Deepest nesting of objects a value sent from a replica to the app may have. The app decodes a
 * replica's message on its main thread, whose stack (about 1 MB) overflows near 2,000 levels
 * where a worker thread's (4 MB) still encodes 12,000, and a process replica's main thread 3,000:
 * deeper values would be lost on the way, or, from a process replica, throw inside Node's IPC
 * reader and stop the app. JSON parsers of other stacks stop at about the same depth (Jackson's
 * and Python's default is 1,000).
 */
export const MAX_NESTING = 1000;

/**
 * True when a structured clone of `value` nests objects deeper than `limit` levels: it counts as
 * the clone does, each object where it is first met (a shared object or a cycle is a reference
 * after that), through own enumerable properties (an array's items) and the entries of maps and sets. Never throws
 * (a getter or Proxy trap that throws is left for the clone to report).
 */
export function nestedDeeperThan(value: unknown, limit = MAX_NESTING): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return deeper(value, limit, new Set());
  } catch {
    return false;
  }
}

function deeper(value: object, left: number, seen: Set<object>): boolean {
  if (seen.has(value) || ArrayBuffer.isView(value)) return false;
  if (left === 0) return true;
  seen.add(value);
  // Arrays by index and objects by for-in: no array of values per object (this runs for every handle call).
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (isDeeper(value[i], left, seen)) return true;
    return false;
  }
  if (value instanceof Map || value instanceof Set) {
    const items: Iterable<unknown> = value instanceof Map ? [...value.keys(), ...value.values()] : value;
    for (const item of items) if (isDeeper(item, left, seen)) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && isDeeper((value as Record<string, unknown>)[key], left, seen)) return true;
  }
  return false;
}

/** True when `item`, one level below an object with `left` levels to go, nests too deep. */
function isDeeper(item: unknown, left: number, seen: Set<object>): boolean {
  return typeof item === 'object' && item !== null && deeper(item, left - 1, seen);
}
