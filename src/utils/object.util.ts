/** A copy of `value` without its `undefined` fields, so that spreading it keeps earlier values. */
export function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * True for a plain object (`{}` literal, `Object.create(null)`, JSON), also one made in another realm:
 * a vm context, Jest's test environment, `structuredClone` there. Prototype identity does not hold
 * across realms, so this checks the object's tag and that its prototype is some realm's `Object.prototype`.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Object.prototype.toString.call(value) !== '[object Object]')
    return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return true;
  return (
    Object.getPrototypeOf(proto) === null &&
    typeof (proto as { constructor?: unknown }).constructor === 'function' &&
    (proto as { constructor: { name: string } }).constructor.name === 'Object'
  );
}

/** True for a promise or any object with a `then` method; false too when reading `then` throws (a Proxy). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return typeof (value as PromiseLike<unknown>)?.then === 'function';
  } catch {
    return false;
  }
}

/**
 * The value `record` holds under its own key `key`, else undefined. Names are free strings, and
 * `record[key]` finds `Object` members (`constructor`, `toString`) on every plain object.
 */
export function ownEntry<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
