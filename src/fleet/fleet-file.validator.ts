import type { BackendConfig } from '../interfaces/backend-config.interface';
import { cliMessages } from '../messages/cli.messages';
import {
  validateBackendConfig,
  validateMethods,
  validateName,
  validateRoute,
  validateStreamOption,
} from '../options/config.validator';
import { ServeError } from '../serve.errors';
import { isPlainObject } from '../utils/object.util';
import { FLEET_STATE_FORMAT, type FleetBackendOptions } from './fleet.state';

/**
 * A backend in a file for `nestjs-serve apply`: `config` holds the fields to change (the others
 * keep their stored values; `autoscaling: null` turns it off). The class fields (`modulePath`,
 * `exportName`, `codeVersion`, optional `className` and `options`) are only needed to create a
 * backend the fleet does not hold, as the fleet stores it (`status --json` prints them).
 */
export interface FleetFileBackend {
  config?: BackendConfig;
  className?: string;
  modulePath?: string;
  exportName?: string;
  codeVersion?: string;
  options?: Partial<FleetBackendOptions>;
}

/** An endpoint in a file for `nestjs-serve apply`: it replaces the stored one whole. */
export interface FleetFileEndpoint {
  route: string;
  /** Default `['GET']`, as createEndpoint(). */
  methods: string[];
  traffic: Record<string, number>;
  /** Default none. */
  shadows: Record<string, number>;
  stream?: 'sse';
}

/** A declarative file for `nestjs-serve apply`: the desired-state document's shape, every part optional. */
export interface FleetFile {
  backends: Record<string, FleetFileBackend>;
  endpoints: Record<string, FleetFileEndpoint>;
}

const TOP = ['format', 'backends', 'endpoints', 'seeded', 'rollouts', 'autoscaling'];
const BACKEND = ['config', 'className', 'modulePath', 'exportName', 'codeVersion', 'options'];
const OPTIONS = ['initArgs', 'replica', 'placement', 'env', 'resourceLimits'];
const ENDPOINT = ['route', 'methods', 'traffic', 'shadows', 'stream'];
const WEIGHT_TOLERANCE = 1e-6;

/**
 * Checks a parsed apply file and returns it typed, defaults filled in; throws an INVALID_CONFIG
 * ServeError naming `file` and the field (`endpoints.fleet.traffic.FleetB`). `format` and
 * `seeded`, `rollouts` and `autoscaling` (from a document printed by `status --json`) are accepted and ignored.
 */
export function validateFleetFile(doc: unknown, file: string): FleetFile {
  const fail = (field: string, value: unknown, expected: string) =>
    new ServeError('INVALID_CONFIG', cliMessages.badField(file, field, show(value), expected));
  const known = (field: string, value: Record<string, unknown>, keys: readonly string[]) => {
    const extra = Object.keys(value).find((k) => !keys.includes(k));
    if (extra !== undefined)
      throw new ServeError('INVALID_CONFIG', cliMessages.unknownField(file, `${field}${extra}`, keys));
  };
  if (!isPlainObject(doc)) throw fail('the document', doc, 'an object with backends and/or endpoints');
  known('', doc, TOP);
  if (doc.format !== undefined && doc.format !== FLEET_STATE_FORMAT)
    throw fail('format', doc.format, `${FLEET_STATE_FORMAT} (or left out)`);
  const table = (field: string) => {
    const value = doc[field] ?? {};
    if (!isPlainObject(value)) throw fail(field, value, 'an object keyed by name');
    return value;
  };
  const backends: Record<string, FleetFileBackend> = {};
  for (const [name, raw] of Object.entries(table('backends'))) {
    const field = `backends.${name}`;
    validateName(`${file}: ${field}`, name);
    if (!isPlainObject(raw)) throw fail(field, raw, 'an object (config, and modulePath/exportName/codeVersion)');
    known(`${field}.`, raw, BACKEND);
    if (raw.config !== undefined) validateBackendConfig(`${file}: ${field}.config`, raw.config);
    for (const key of ['className', 'modulePath', 'exportName', 'codeVersion'])
      if (raw[key] !== undefined && (typeof raw[key] !== 'string' || !raw[key]))
        throw fail(`${field}.${key}`, raw[key], 'a non-empty string');
    if (raw.options !== undefined) {
      if (!isPlainObject(raw.options)) throw fail(`${field}.options`, raw.options, 'an object');
      known(`${field}.options.`, raw.options, OPTIONS);
      validateBackendConfig(`${file}: ${field}.options`, raw.options, true);
      if (raw.options.initArgs !== undefined && !Array.isArray(raw.options.initArgs))
        throw fail(`${field}.options.initArgs`, raw.options.initArgs, 'an array of JSON values');
    }
    backends[name] = raw as FleetFileBackend;
  }
  const endpoints: Record<string, FleetFileEndpoint> = {};
  for (const [name, raw] of Object.entries(table('endpoints'))) {
    const field = `endpoints.${name}`;
    validateName(`${file}: ${field}`, name);
    if (!isPlainObject(raw)) throw fail(field, raw, 'an object with route and traffic');
    known(`${field}.`, raw, ENDPOINT);
    validateRoute(`${file}: ${field}`, raw.route);
    const methods = raw.methods ?? ['GET'];
    validateMethods(`${file}: ${field}`, methods);
    validateStreamOption(`${file}: ${field}`, raw.stream);
    const traffic = weights(`${field}.traffic`, raw.traffic, fail);
    if (!Object.keys(traffic).length)
      throw fail(`${field}.traffic`, raw.traffic, 'at least one backend, e.g. { "A": 1 }');
    const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > WEIGHT_TOLERANCE)
      throw fail(`${field}.traffic`, traffic, `weights that sum to 1 (they sum to ${sum})`);
    const shadows = weights(`${field}.shadows`, raw.shadows ?? {}, fail, 1);
    endpoints[name] = {
      route: raw.route,
      methods,
      traffic,
      shadows,
      ...(raw.stream ? { stream: 'sse' as const } : {}),
    };
  }
  return { backends, endpoints };
}

function weights(
  field: string,
  value: unknown,
  fail: (field: string, value: unknown, expected: string) => Error,
  max = Infinity,
): Record<string, number> {
  if (!isPlainObject(value))
    throw fail(field, value, 'an object of backend name → weight, e.g. { "A": 0.9, "B": 0.1 }');
  for (const [backend, weight] of Object.entries(value))
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > max)
      throw fail(`${field}.${backend}`, weight, max === 1 ? 'a proportion from 0 to 1' : 'a number >= 0');
  return value as Record<string, number>;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  return value === undefined ? 'missing' : (JSON.stringify(value) ?? String(value));
}
