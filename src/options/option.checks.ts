import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { closestName } from '../utils/closest-name';

/** Checks one option's value: undefined when it is fine, else what was expected (e.g. `an integer >= 1`). */
export type Check = (value: unknown) => string | undefined;

/** An integer of at least `min`. */
export const integerAtLeast =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min ? undefined : `an integer >= ${min}`;
/** A finite number of at least `min` (above it if `strict`). */
export const numberAtLeast =
  (min: number, strict = false): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && (strict ? v > min : v >= min)
      ? undefined
      : `a finite number ${strict ? '>' : '>='} ${min}`;
/** Node runs a timer longer than 2^31 - 1 ms after 1 ms, so durations stop there. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A duration in ms: a finite number >= 0 (> 0 if `strict`) that a Node timer can wait. */
export const duration =
  (strict = false): Check =>
  (v) =>
    numberAtLeast(0, strict)(v) ??
    ((v as number) <= MAX_TIMER_MS ? undefined : `a duration of at most ${MAX_TIMER_MS} ms`);
/** A string with something besides white space. */
export const nonEmptyString: Check = (v) =>
  typeof v === 'string' && v.trim().length > 0 ? undefined : 'a non-empty string';

/** A backend's or endpoint's name: it keys plain objects (a traffic split, the fleet's state), which `__proto__` cannot. */
export const entityName: Check = (v) =>
  nonEmptyString(v) === undefined && v !== '__proto__' ? undefined : "a non-empty string other than '__proto__'";

/** Runs the check of each field present (undefined ones are skipped); unknown fields are errors. */
export function checkFields(subject: string, fields: Record<string, unknown>, checks: Record<string, Check>): void {
  for (const [key, value] of Object.entries(fields)) {
    const check = checks[key];
    if (!check) {
      const known = Object.keys(checks);
      throw new ServeError('INVALID_CONFIG', messages.unknownOption(subject, key, known, closestName(key, known)));
    }
    const expected = value === undefined ? undefined : check(value);
    if (expected) throw invalid(subject, key, value, expected);
  }
}

/** The error for option `option` of `subject` whose `value` is not the `expected` one. */
export function invalid(subject: string, option: string, value: unknown, expected: string): ServeError {
  return new ServeError('INVALID_CONFIG', messages.invalidOption(subject, option, value, expected));
}
