/** A copy of `value` without its `undefined` fields, so that spreading it keeps earlier values. */
export function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
