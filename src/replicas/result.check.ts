import { resultMessages as m } from '../messages/result.messages';
import { MAX_NESTING } from './clone.depth';

/** What in a result would not reach the caller as returned. */
export interface ResultProblem {
  /** What and where (`a Map at result.counts, …`), for the caller: no text of the user's. */
  readonly what: string;
  /** What a getter, Proxy trap or `toJSON()` threw, for the log only. */
  readonly cause?: unknown;
}

/** How a result can be sent: as it is (`undefined`), as its JSON form (`'json'`: it holds objects with `toJSON`), or not. */
export type ResultCheck = undefined | 'json' | ResultProblem;

/**
 * What in a handler's result would not reach the caller as returned. JSON would send a `Map` or
 * `Set`, an `Error`, a `RegExp`, an `ArrayBuffer` or a `DataView` as `{}`, drop functions and
 * symbols, fail on a BigInt or a cycle; a getter or a Proxy trap may throw; a value deeper than
 * {@link MAX_NESTING} could not be decoded. Top-level strings and bytes (an `ArrayBuffer`, a typed
 * array, a `DataView`) are sent as they are; typed arrays nested in JSON as an object of numbers
 * (kept: handlers and tests rely on that shape); `Date`s as themselves; other objects with `toJSON` as that gives,
 * which a structured clone would lose (`'json'`). Never throws. Checked in the replica, so the
 * error names the backend and method (see `messages.lossyResult`). `root` names the value in paths.
 */
export function checkResult(value: unknown, root = 'result'): ResultCheck {
  if (value === undefined || typeof value === 'string') return undefined;
  const walk = new ResultWalk();
  let found: Fault | undefined;
  try {
    if (isBytes(value)) return undefined;
    found = walk.value(value, 1);
  } catch (err) {
    found = fault('read', err);
  }
  if (found) return problemOf(found, root);
  return walk.asJson ? 'json' : undefined;
}

type FaultKind =
  | 'bigint'
  | 'bigintArray'
  | 'function'
  | 'symbol'
  | 'map'
  | 'set'
  | 'buffer'
  | 'dataView'
  | 'error'
  | 'regExp'
  | 'deep'
  | 'read'
  | 'toJSON';

/** A problem found in the walk; its path is collected on the way back up, so a clean walk builds none. */
interface Fault {
  readonly kind: FaultKind;
  readonly cause?: unknown;
  /** The typed array's or buffer's name, for `bigintArray` and `buffer`. */
  readonly typeName?: string;
  /** Path segments from the fault up to the root, innermost first. */
  readonly keys: string[];
  /** The object holding each segment's key, innermost first (tells a cycle from deep nesting). */
  readonly holders: object[];
}

function fault(kind: FaultKind, cause?: unknown, typeName?: string): Fault {
  return { kind, cause, typeName, keys: [], holders: [] };
}

/** `found` is under `key` of `holder`. */
function under(found: Fault, key: string, holder: object, isArray: boolean): Fault {
  found.keys.push(isArray ? `[${key}]` : `.${key}`);
  found.holders.push(holder);
  return found;
}

function problemOf(found: Fault, root: string): ResultProblem {
  const keys = found.keys.reverse();
  const path = (count = keys.length) => root + keys.slice(0, count).join('');
  switch (found.kind) {
    case 'bigint':
      return { what: m.bigint(path()) };
    case 'bigintArray':
      return { what: m.bigintArray(found.typeName!, path()) };
    case 'function':
    case 'symbol':
      return { what: m.dropped(found.kind, path()) };
    case 'map':
      return { what: m.map(path()) };
    case 'set':
      return { what: m.set(path()) };
    case 'buffer':
      return { what: found.typeName === 'ArrayBuffer' ? m.arrayBuffer(path()) : m.sharedArrayBuffer(path()) };
    case 'dataView':
      return { what: m.dataView(path()) };
    case 'error':
      return { what: m.error(path()) };
    case 'regExp':
      return { what: m.regExp(path()) };
    case 'read':
      return { what: m.readThrew(path()), cause: found.cause };
    case 'toJSON':
      return { what: m.toJsonThrew(path()), cause: found.cause };
    case 'deep': {
      const repeat = firstRepeat(found.holders.reverse());
      if (repeat !== undefined) return { what: m.cycle(path(repeat)) };
      return { what: m.tooDeep(MAX_NESTING, `${path(6)}…`) };
    }
  }
}

/** One check's walk: depth-first, stops at the first fault. */
class ResultWalk {
  /** True once an object with its own `toJSON` (not a `Date`, not bytes) was met. */
  asJson = false;

  value(value: unknown, depth: number): Fault | undefined {
    switch (typeof value) {
      case 'bigint':
        return fault('bigint');
      case 'function':
        return fault('function');
      case 'symbol':
        return fault('symbol');
      case 'object':
        return value === null ? undefined : this.object(value, depth);
      default:
        return undefined;
    }
  }

  /** `fromToJSON`: `value` is what a `toJSON` gave, which JSON sends without calling its `toJSON`. */
  private object(value: object, depth: number, fromToJSON = false): Fault | undefined {
    if (depth > MAX_NESTING) return fault('deep');
    if (ArrayBuffer.isView(value)) return viewFault(value);
    let key: string | undefined;
    let isArray = false;
    try {
      const toJSON = fromToJSON ? undefined : (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return this.json(value, toJSON, depth);
      const tag = Object.prototype.toString.call(value);
      if (tag === '[object Map]') return fault('map');
      if (tag === '[object Set]') return fault('set');
      const empty = EMPTY_IN_JSON[tag];
      if (empty) return fault(empty, undefined, tag.slice(8, -1));
      isArray = Array.isArray(value);
      for (key in value) {
        const item = (value as Record<string, unknown>)[key];
        // Most values are JSON already: nothing is built for them (this runs for every result).
        if (isPlain(item) || !Object.hasOwn(value, key)) continue;
        const found = this.value(item, depth + 1);
        if (found) return under(found, key, value, isArray);
      }
    } catch (err) {
      const found = fault('read', err);
      return key === undefined ? found : under(found, key, value, isArray);
    }
    return undefined;
  }

  /** An object with `toJSON`: a `Date` crosses as itself; anything else as what `toJSON` gives. */
  private json(value: object, toJSON: Function, depth: number): Fault | undefined {
    if (Object.prototype.toString.call(value) === '[object Date]') return undefined;
    this.asJson = true;
    let sent: unknown;
    try {
      sent = toJSON.call(value, '');
    } catch (err) {
      return fault('toJSON', err);
    }
    return typeof sent === 'object' && sent !== null ? this.object(sent, depth, true) : this.value(sent, depth);
  }
}

/** Index of the first holder met a second time on the way down, if any. */
function firstRepeat(holders: object[]): number | undefined {
  const seen = new Set<object>();
  for (let i = 0; i < holders.length; i++) {
    if (seen.has(holders[i])) return i;
    seen.add(holders[i]);
  }
  return undefined;
}

/** Built-in objects that JSON sends as `{}`, by their tag (a top-level buffer is sent as bytes instead). */
const EMPTY_IN_JSON: Record<string, FaultKind | undefined> = {
  '[object ArrayBuffer]': 'buffer',
  '[object SharedArrayBuffer]': 'buffer',
  '[object Error]': 'error',
  '[object RegExp]': 'regExp',
};

/** A view nested in JSON: a typed array goes as an object of numbers, a `DataView` as `{}`. */
function viewFault(view: ArrayBufferView): Fault | undefined {
  if (Object.prototype.toString.call(view) === '[object DataView]') return fault('dataView');
  return bigIntArray(view);
}

function bigIntArray(view: ArrayBufferView): Fault | undefined {
  const tag = Object.prototype.toString.call(view);
  if (tag !== '[object BigInt64Array]' && tag !== '[object BigUint64Array]') return undefined;
  return fault('bigintArray', undefined, tag.slice(8, -1));
}

function isPlain(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined';
}

function isBytes(value: unknown): boolean {
  if (ArrayBuffer.isView(value)) return bigIntArray(value) === undefined;
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}
