/**
 * What in a handler's result would not reach the caller as returned, or undefined when it all does:
 * JSON would send a `Map` or `Set` as `{}`, drop functions and symbols, and fail on a BigInt or a cycle.
 * Top-level strings and bytes are sent as they are; objects with `toJSON` (a `Date`) as that gives; bytes
 * nested in JSON as an object of numbers (kept: handlers and tests rely on that shape). Checked in the replica, so the error names
 * the backend and method (see `messages.lossyResult`).
 */
export function resultProblem(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string' || isBytes(value)) return undefined;
  return jsonProblem(value, 'result', new Set());
}

function jsonProblem(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'bigint':
      return `a BigInt at ${path}, which JSON cannot encode: return it as a string (value.toString()) or a number`;
    case 'function':
    case 'symbol':
      return `a ${typeof value} at ${path}, which JSON drops: leave it out`;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Map]') return `a Map at ${path}, which JSON sends as {}: return Object.fromEntries(map)`;
  if (tag === '[object Set]') return `a Set at ${path}, which JSON sends as {}: return [...set]`;
  if (seen.has(value)) return `a cycle at ${path}, which JSON cannot encode: return a tree`;
  seen.add(value);
  const isArray = Array.isArray(value);
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    // Most values are JSON already: no child path is built for them (this runs for every result).
    if (isPlain(item) || !Object.hasOwn(value, key)) continue;
    const problem = jsonProblem(item, isArray ? `${path}[${key}]` : `${path}.${key}`, seen);
    if (problem) return problem;
  }
  seen.delete(value);
  return undefined;
}

function isPlain(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined';
}

function isBytes(value: unknown): boolean {
  return ArrayBuffer.isView(value) || Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}
