import type { ResolvedRolloutOptions, RolloutOptions } from '../interfaces/rollout-options.interface';
import { DEFAULT_ROLLOUT_OPTIONS } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';

type Check = (value: unknown) => string | undefined;
const fraction: Check = (v) => (typeof v === 'number' && v >= 0 && v <= 1 ? undefined : 'a number from 0 to 1');
const positive =
  (integer: boolean): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v))
      ? undefined
      : integer
        ? 'an integer > 0'
        : 'a finite number > 0';
const nonNegative: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : 'a finite number >= 0';

const CHECKS: Record<Exclude<keyof RolloutOptions, 'steps'>, Check> = {
  stepIntervalMs: positive(false),
  minRequestsPerStep: positive(true),
  maxErrorRate: fraction,
  maxP99Ms: positive(false),
  maxLatencyRatio: positive(false),
  shadowFirstMs: nonNegative,
  maxWaitIntervals: positive(true),
};

/** Checks `rollout()` options and fills in the defaults; throws a ServeError naming the endpoint and the option. */
export function resolveRolloutOptions(endpoint: string, options: RolloutOptions = {}): ResolvedRolloutOptions {
  const subject = `rollout('${endpoint}')`;
  if (typeof options !== 'object' || options === null) {
    throw new ServeError('INVALID_CONFIG', messages.invalidOption(subject, 'options', options, 'an object'));
  }
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'steps') continue;
    const check = CHECKS[key as keyof typeof CHECKS];
    if (!check)
      throw new ServeError('INVALID_CONFIG', messages.unknownOption(subject, key, ['steps', ...Object.keys(CHECKS)]));
    const expected = check(value);
    if (expected) throw new ServeError('INVALID_CONFIG', messages.invalidOption(subject, key, value, expected));
  }
  const steps = options.steps ?? [...DEFAULT_ROLLOUT_OPTIONS.steps];
  const increasing =
    Array.isArray(steps) &&
    steps.every((s, i) => typeof s === 'number' && s > 0 && s <= 1 && (i === 0 || s > steps[i - 1]));
  if (!increasing || steps.length === 0 || steps[steps.length - 1] !== 1) {
    throw new ServeError('INVALID_CONFIG', messages.rolloutSteps(endpoint, options.steps));
  }
  const resolved = { ...DEFAULT_ROLLOUT_OPTIONS, steps: [...steps] } as ResolvedRolloutOptions;
  for (const key of Object.keys(CHECKS) as (keyof typeof CHECKS)[]) {
    if (options[key] !== undefined) resolved[key] = options[key];
  }
  return resolved;
}
