import { isPlainObject } from '../utils/object.util';

/** Items of an array or fields of an object shown before the rest is cut to `…`. */
const MAX_ITEMS = 5;
/** Nesting shown before deeper arrays and objects become `[…]` and `{…}`. */
const MAX_DEPTH = 2;
/** Longest string shown whole. */
const MAX_STRING = 80;

/**
 * A value as a message shows it: as written in TypeScript where JSON would lose it (`NaN`,
 * `-Infinity`, `undefined`, `10n`, `Symbol(x)`), functions and classes by name (`class Foo`),
 * never their source, and arrays and objects cut short.
 */
export function describeValue(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'string':
      return `'${value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value}'`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return describeFunction(value);
    case 'object':
      return value === null ? 'null' : describeObject(value, depth);
    default:
      return String(value);
  }
}

/** `class Foo`, `function foo`, or the same with `an anonymous`. */
export function describeFunction(fn: Function): string {
  let kind = 'function';
  try {
    if (Function.prototype.toString.call(fn).startsWith('class')) kind = 'class';
  } catch {
    // A revoked Proxy has no source: it shows as a function.
  }
  return fn.name ? `${kind} ${fn.name}` : `an anonymous ${kind}`;
}

/** `a Foo` or `an Error`: a noun with its indefinite article (none added to one that has it). */
export function withArticle(noun: string): string {
  if (/^an? /.test(noun)) return noun;
  return `${/^[aeio]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function describeObject(value: object, depth: number): string {
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return value.length ? '[…]' : '[]';
    return `[${shown(value, (item) => describeValue(item, depth + 1))}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (!entries.length) return '{}';
    if (depth >= MAX_DEPTH) return '{…}';
    return `{ ${shown(entries, ([key, item]) => `${key}: ${describeValue(item, depth + 1)}`)} }`;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return withArticle(typeof name === 'string' && name ? name : 'object of no class');
}

function shown<T>(items: readonly T[], show: (item: T) => string): string {
  const head = items.slice(0, MAX_ITEMS).map(show);
  return items.length > MAX_ITEMS ? `${head.join(', ')}, …` : head.join(', ');
}
