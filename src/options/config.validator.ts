import { SUBJECT_TOKEN } from '../serve.constants';
import type { BackendConfig, BackendOptions, ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { AutoscalingConfig } from '../interfaces/autoscaling-config.interface';
import type { EndpointOptions, HttpMethod } from '../interfaces/endpoint-options.interface';
import { isPlainObject } from '../utils/object.util';
import { getFunctionBackendRecord } from '../decorators/backend.metadata';
import { closestName } from '../utils/closest-name';
import { ServeError } from '../serve.errors';
import { budgetMessages, messages } from '../serve.messages';
import { describeFunction, describeValue, withArticle } from '../messages/value.describe';
import {
  checkFields,
  duration,
  integerAtLeast,
  invalid,
  nonEmptyString,
  entityName,
  numberAtLeast,
  type Check,
} from './option.checks';

export { validateModuleOptions } from './module-options.validator';

/** HTTP methods an endpoint may list. */
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const CONFIG_CHECKS: Record<keyof BackendConfig, Check> = {
  numReplicas: integerAtLeast(1),
  maxConcurrentQueries: integerAtLeast(1),
  maxBatchSize: integerAtLeast(1),
  batchWaitTimeoutMs: duration(),
  maxQueuedRequests: integerAtLeast(0),
  requestTimeoutMs: duration(true),
  streamIdleTimeoutMs: duration(true),
  userConfig: () => undefined,
  autoscaling: (v) =>
    v === null || isPlainObject(v) ? undefined : 'an object like { minReplicas: 1, maxReplicas: 4 }, or null',
  cpusPerReplica: (v) =>
    integerAtLeast(1)(v) && "a whole number of cores >= 1 (it becomes the replicas' OMP_NUM_THREADS, a thread count)",
};

const AUTOSCALING_CHECKS: Record<keyof AutoscalingConfig, Check> = {
  minReplicas: integerAtLeast(0),
  maxReplicas: integerAtLeast(1),
  targetOngoingRequests: numberAtLeast(0, true),
  upscaleDelayMs: duration(),
  downscaleDelayMs: duration(),
  lookBackMs: duration(),
  intervalMs: duration(true),
  tolerance: (v) => (typeof v === 'number' && v >= 0 && v < 1 ? undefined : 'a number from 0 to below 1'),
};

const OPTION_CHECKS: Record<Exclude<keyof BackendOptions, keyof BackendConfig>, Check> = {
  name: entityName,
  initArgs: (v) => (Array.isArray(v) && isCloneable(v) ? undefined : 'an array of structured-cloneable values'),
  replica: (v) => (v === 'thread' || v === 'process' ? undefined : "'thread' or 'process'"),
  placement: (v) => (v === 'local' || v === 'remote' || v === 'both' ? undefined : "'local', 'remote' or 'both'"),
  env: (v) =>
    isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string') ? undefined : 'an object of string values',
  modulePath: nonEmptyString,
  exportName: nonEmptyString,
  resourceLimits: (v) =>
    isPlainObject(v) &&
    Object.entries(v).every(
      ([k, x]) =>
        ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'stackSizeMb'].includes(k) &&
        typeof x === 'number' &&
        x > 0,
    )
      ? undefined
      : 'an object of maxOldGenerationSizeMb, maxYoungGenerationSizeMb, stackSizeMb (numbers > 0)',
};

/**
 * Checks a (partial) backend config; with `allowOptions`, also the `@Backend()`-only options.
 * Throws a ServeError that names `subject` and the option; unknown keys are rejected too.
 */
export function validateBackendConfig(subject: string, config: unknown, allowOptions = false): void {
  if (!isPlainObject(config)) throw invalid(subject, 'config', config, 'an object');
  checkFields(subject, config, allowOptions ? { ...CONFIG_CHECKS, ...OPTION_CHECKS } : CONFIG_CHECKS);
  if ('userConfig' in config && config.userConfig !== undefined) assertPlainJson(subject, config.userConfig);
  if (isPlainObject(config.autoscaling)) validateAutoscaling(`${subject} autoscaling`, config.autoscaling);
}

/**
 * Checks an `updateBackendConfig` change against the backend's current config: the fields as
 * {@link validateBackendConfig} does, and `cpusPerReplica` unchanged (replicas start with it in their environment).
 */
export function validateConfigUpdate(name: string, update: unknown, current: ResolvedBackendConfig): void {
  validateBackendConfig(`updateBackendConfig('${name}')`, update);
  const wanted = (update as BackendConfig).cpusPerReplica;
  if (wanted !== undefined && wanted !== current.cpusPerReplica)
    throw new ServeError('INVALID_CONFIG', budgetMessages.cpusFixed(name, current.cpusPerReplica, wanted));
}

/** Checks `BackendConfig.autoscaling`: known fields, sane numbers, `minReplicas <= maxReplicas`. */
function validateAutoscaling(subject: string, config: Record<string, unknown>): void {
  checkFields(subject, config, AUTOSCALING_CHECKS);
  const { minReplicas, maxReplicas } = config as AutoscalingConfig;
  if (minReplicas !== undefined && maxReplicas !== undefined && minReplicas > maxReplicas) {
    throw invalid(subject, 'maxReplicas', maxReplicas, `an integer >= minReplicas (${minReplicas})`);
  }
}

/** Checks that a backend's placement can be met: remote replicas need a cluster and a subject-safe name. */
export function validatePlacement(spec: { name: string; placement: string }, hasCluster: boolean): void {
  if (spec.placement === 'local') return;
  if (!hasCluster) throw new ServeError('INVALID_CONFIG', messages.placementNeedsCluster(spec.name, spec.placement));
  if (!SUBJECT_TOKEN.test(spec.name)) throw new ServeError('INVALID_CONFIG', messages.remoteNameInvalid(spec.name));
}

/** `@Endpoint()`'s options: their own checks follow in {@link validateEndpointOptions}; this list rejects unknown ones. */
const ENDPOINT_KEYS: Record<keyof EndpointOptions, Check> = {
  route: () => undefined,
  methods: () => undefined,
  name: () => undefined,
  weight: () => undefined,
  stream: () => undefined,
};

/** Checks `@Endpoint()` options; throws a ServeError naming `subject` and the option. */
export function validateEndpointOptions(subject: string, options: EndpointOptions): void {
  if (!isPlainObject(options)) throw invalid(subject, 'options', options, 'an object');
  checkFields(subject, options as unknown as Record<string, unknown>, ENDPOINT_KEYS);
  validateRoute(subject, options.route);
  if (options.methods !== undefined) validateMethods(subject, options.methods);
  const badName = options.name === undefined ? undefined : entityName(options.name);
  if (badName) throw invalid(subject, 'name', options.name, badName);
  if (options.weight !== undefined) {
    const expected = numberAtLeast(0)(options.weight);
    if (expected) throw invalid(subject, 'weight', options.weight, expected);
  }
  validateStreamOption(subject, options.stream);
}

/** Checks an endpoint's `stream` option: `'sse'` or absent. */
export function validateStreamOption(subject: string, stream: unknown): void {
  if (stream !== undefined && stream !== 'sse') throw invalid(subject, 'stream', stream, "'sse' or left out");
}

/** Checks the options of a class from `defineBackend()` (any other class passes). */
export function validateFunctionBackend(cls: unknown): void {
  const record = getFunctionBackendRecord(cls);
  if (record) validateFunctionBackendOptions(record.where, record.options);
}

/**
 * Checks `defineBackend()` options: the `@Backend()` options, `endpoint` as `@Endpoint()`'s and
 * `batch` a boolean; throws a ServeError naming `subject` and the option (unknown ones with the
 * closest known name).
 */
export function validateFunctionBackendOptions(subject: string, options: unknown): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) throw invalid(subject, 'options', options, 'an object');
  const { endpoint, batch, ...backendOptions } = options;
  const known = [...Object.keys(CONFIG_CHECKS), ...Object.keys(OPTION_CHECKS), 'endpoint', 'batch'];
  for (const key of Object.keys(backendOptions)) {
    if (!(key in CONFIG_CHECKS) && !(key in OPTION_CHECKS))
      throw new ServeError('INVALID_CONFIG', messages.unknownOption(subject, key, known, closestName(key, known)));
  }
  validateBackendConfig(subject, backendOptions, true);
  if (endpoint !== undefined) validateEndpointOptions(`${subject} endpoint`, endpoint as EndpointOptions);
  if (batch !== undefined && typeof batch !== 'boolean') throw invalid(subject, 'batch', batch, 'true or false');
}

/** Checks the name of a backend or endpoint created at run time (see {@link entityName}). */
export function validateName(subject: string, name: unknown): asserts name is string {
  const bad = entityName(name);
  if (bad) throw invalid(subject, 'name', name, bad);
}

/** Checks a route: a string starting with `/`, without query, fragment or white space. */
export function validateRoute(subject: string, route: unknown): asserts route is string {
  if (typeof route !== 'string' || !/^\/[^\s?#]*$/.test(route)) {
    throw invalid(subject, 'route', route, "a path starting with '/', without spaces, '?' or '#'");
  }
}

/** Checks a list of HTTP methods. */
export function validateMethods(subject: string, methods: unknown): asserts methods is HttpMethod[] {
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => HTTP_METHODS.includes(m))) {
    throw invalid(subject, 'methods', methods, `a non-empty array of ${HTTP_METHODS.join(', ')}`);
  }
}

/**
 * Checks that `value` is plain JSON data: null, booleans, finite numbers, strings, arrays and
 * plain objects, without cycles or `__proto__` keys.
 */
export function assertPlainJson(subject: string, value: unknown): void {
  const why = jsonProblem(value, new Set(), 'userConfig');
  if (why) throw new ServeError('INVALID_CONFIG', messages.notJson(subject, why));
}

function jsonProblem(value: unknown, seen: Set<object>, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (value === undefined) return `${path} is undefined`;
  if (typeof value === 'function') return `${path} is ${withArticle(describeFunction(value))}`;
  if (typeof value !== 'object') return `${path} is a ${typeof value} (${describeValue(value)})`;
  if (seen.has(value)) return `${path} is a cycle`;
  if (!Array.isArray(value) && !isPlainObject(value))
    return `${path} is ${withArticle(value.constructor?.name || 'object of no class')}`;
  seen.add(value);
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return `${path} has a '__proto__' key`;
    const problem = jsonProblem((value as Record<string, unknown>)[key], seen, `${path}.${key}`);
    if (problem) return problem;
  }
  seen.delete(value);
  return undefined;
}

function isCloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
