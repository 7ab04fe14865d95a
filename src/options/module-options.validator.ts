import type { ClusterOptions, FleetOptions } from '../interfaces/cluster-options.interface';
import type { ServeDashboardOptions, ServeMetricsOptions } from '../interfaces/metrics-options.interface';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { DEFAULT_CLUSTER_OPTIONS, SUBJECT_TOKEN } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { messages, observingMessages, optionMessages } from '../serve.messages';
import { describeFunction } from '../messages/value.describe';
import { getBackendMetadata, getFunctionBackendRecord } from '../decorators/backend.metadata';
import { isPlainObject, stripUndefined } from '../utils/object.util';
import { checkFields, duration, integerAtLeast, invalid, nonEmptyString, type Check } from './option.checks';

const MODULE_CHECKS: Record<keyof ServeModuleOptions, Check> = {
  backends: (v) => (Array.isArray(v) ? undefined : 'an array of @Backend() classes, e.g. backends: [MyBackend]'),
  exposeErrors: (v) => (typeof v === 'boolean' ? undefined : 'true or false'),
  bodyLimit: integerAtLeast(0),
  healthCheckPeriodMs: duration(true),
  healthCheckTimeoutMs: duration(true),
  gracefulShutdownTimeoutMs: duration(),
  replicaStopTimeoutMs: duration(),
  replicaStartTimeoutMs: duration(true),
  replicaNice: (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 19 ? undefined : 'an integer from 0 to 19',
  cluster: (v) => (isPlainObject(v) ? undefined : "an object like { servers: 'nats://127.0.0.1:4222' }"),
  metrics: (v) => (isPlainObject(v) ? undefined : "an object like { path: '/metrics' }"),
  dashboard: (v) => (isPlainObject(v) ? undefined : "an object like { path: '/serve' }"),
};

/** A route of the app; `example` suits the option (the dashboard's is not the metrics' path). */
const routePath =
  (example: string): Check =>
  (v) =>
    typeof v === 'string' && /^\/[^\s?#]*$/.test(v) ? undefined : `a path starting with '/', e.g. '${example}'`;

const METRICS_CHECKS: Record<keyof ServeMetricsOptions, Check> = {
  path: routePath('/metrics'),
  registry: (v) =>
    typeof (v as { metrics?: unknown })?.metrics === 'function' &&
    typeof (v as { registerMetric?: unknown }).registerMetric === 'function'
      ? undefined
      : "a prom-client Registry (e.g. prom-client's `register`)",
  prefix: (v) =>
    typeof v === 'string' && /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(v)
      ? undefined
      : "a Prometheus name prefix: letters, digits, '_' and ':', not starting with a digit",
};

const DASHBOARD_CHECKS: Record<keyof ServeDashboardOptions, Check> = {
  path: routePath('/serve'),
  refreshMs: (v) => (Number.isInteger(v) && (v as number) >= 250 ? undefined : 'an integer of ms, at least 250'),
};

const CLUSTER_CHECKS: Record<keyof ClusterOptions, Check> = {
  servers: (v) =>
    (typeof v === 'string' && v.trim()) ||
    (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim()))
      ? undefined
      : "a NATS URL or a non-empty array of them, e.g. 'nats://127.0.0.1:4222'",
  prefix: (v) =>
    typeof v === 'string' && v.split('.').every((t) => SUBJECT_TOKEN.test(t))
      ? undefined
      : "dot-separated tokens of letters, digits, '_' and '-'",
  credentialsFile: nonEmptyString,
  connection: (v) => (isPlainObject(v) ? undefined : 'an object of NATS connect() options'),
  heartbeatPeriodMs: duration(true),
  heartbeatTimeoutMs: duration(true),
  name: nonEmptyString,
  fleet: (v) => (v === false || isPlainObject(v) ? undefined : 'false, or an object like { applyTimeoutMs: 30000 }'),
};

const FLEET_CHECKS: Record<keyof FleetOptions, Check> = {
  heartbeatPeriodMs: duration(true),
  applyTimeoutMs: duration(true),
  startTimeoutMs: duration(),
};

/** Checks `ServeModule.forRoot()` options; throws a ServeError naming the option. */
export function validateModuleOptions(options: ServeModuleOptions): void {
  const subject = 'ServeModule.forRoot()';
  if (!isPlainObject(options)) throw invalid(subject, 'options', options, 'an object');
  if (typeof options.backends === 'function') throw backendsNotArray(options.backends);
  checkFields(subject, options, MODULE_CHECKS);
  const { dashboard, metrics } = options as {
    dashboard?: Partial<ServeDashboardOptions>;
    metrics?: ServeMetricsOptions;
  };
  if (metrics) checkFields(`${subject} metrics`, { ...metrics }, METRICS_CHECKS);
  if (dashboard) {
    checkFields(`${subject} dashboard`, { ...dashboard }, DASHBOARD_CHECKS);
    if (dashboard.path === undefined) throw invalid(`${subject} dashboard`, 'path', undefined, "a path, e.g. '/serve'");
    const metricsPath = metrics?.path;
    if (metricsPath !== undefined && trimSlash(metricsPath) === trimSlash(dashboard.path)) {
      throw new ServeError(
        'INVALID_CONFIG',
        observingMessages.observingPathClash('metrics.path', 'dashboard.path', metricsPath),
      );
    }
  }
  if (options.cluster) {
    checkFields(`${subject} cluster`, options.cluster as unknown as Record<string, unknown>, CLUSTER_CHECKS);
    if ((options.cluster as Partial<ClusterOptions>).servers === undefined)
      throw invalid(`${subject} cluster`, 'servers', undefined, "a NATS URL, e.g. 'nats://127.0.0.1:4222'");
    const { heartbeatPeriodMs: period, heartbeatTimeoutMs: timeout } = {
      ...DEFAULT_CLUSTER_OPTIONS,
      ...stripUndefined(options.cluster),
    };
    if (period * 2 > timeout) throw new ServeError('INVALID_CONFIG', messages.heartbeatRatio(period, timeout));
    const fleet = (options.cluster as Partial<ClusterOptions>).fleet;
    if (fleet) checkFields(`${subject} cluster.fleet`, { ...fleet }, FLEET_CHECKS);
  }
}

/** `backends: Foo` for `backends: [Foo]`: the error names the class, found by its export when `defineBackend()` made it. */
function backendsNotArray(cls: Function): ServeError {
  try {
    getBackendMetadata(cls);
  } catch {
    // Not exported, or no name to be found: the message then says where it was defined.
  }
  const where = cls.name ? undefined : getFunctionBackendRecord(cls)?.where;
  return new ServeError(
    'INVALID_CONFIG',
    optionMessages.backendsNotArray(describeFunction(cls), cls.name || undefined, where),
  );
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
