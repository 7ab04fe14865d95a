import { RecordingLogger } from './recording-logger';
import type { Logger } from '@nestjs/common';
import type { BackendDefinition } from '../../src/backend/backend.definition';
import type { DeploymentSettings } from '../../src/backend/backend.deployment';
import type { ResolvedBackendConfig } from '../../src/interfaces/backend-config.interface';
import type { ServeRequest } from '../../src/interfaces/serve-request.interface';
import type { CallResult } from '../../src/replicas/result.codec';
import { DEFAULT_BACKEND_CONFIG } from '../../src/serve.constants';
import type { FakeSite } from './fake.replica';

/**
 * A logger that keeps what it was told, one line per call with what came after the message (a
 * stack, Nest's context): for tests of one backend without Nest, or as a Nest app's logger.
 */
export function recordingLogger(): Logger & { lines: string[] } {
  return new RecordingLogger() as unknown as Logger & { lines: string[] };
}

/** The definition of a backend `name` (nothing is loaded: replicas are fakes). */
export function definition(name = 'echo', placement: BackendDefinition['placement'] = 'local'): BackendDefinition {
  return {
    name,
    cls: class Echo {},
    className: 'Echo',
    modulePath: '/nowhere/echo.js',
    exportName: 'Echo',
    codeVersion: 'sha256:0000000000000000000000000000000000000000000000000000000000000000',
    initArgs: [],
    kind: 'thread',
    placement,
    methods: ['call'],
    batchMethods: [],
    bindings: [],
  };
}

/** A resolved config: the defaults with `overrides`. */
export function config(overrides: Partial<ResolvedBackendConfig> = {}): ResolvedBackendConfig {
  return { ...DEFAULT_BACKEND_CONFIG, ...overrides };
}

/** Module settings for a deployment whose local replicas start on `site`. */
export function settings(site: FakeSite, overrides: Partial<DeploymentSettings> = {}): DeploymentSettings {
  return {
    exposeErrors: false,
    healthCheckPeriodMs: 1_000,
    healthCheckTimeoutMs: 5_000,
    gracefulShutdownTimeoutMs: 1_000,
    replicaStopTimeoutMs: 100,
    replicaStartTimeoutMs: 2_000,
    replicaNice: 0,
    logger: recordingLogger(),
    clusterConnected: () => false,
    handleCall: async () => ({ ok: true, v: { v: null } }),
    handleStream: async () => ({ ok: true, v: { v: null } }),
    localSite: site,
    ...overrides,
  };
}

/** A request with `body`. */
export function request(body: unknown = null): ServeRequest {
  return { method: 'POST', path: '/echo', params: {}, query: {}, headers: {}, body, id: 'test-request' };
}

/** Collects results in arrival order. */
export function results(): { list: CallResult[]; done: (r: CallResult) => void } {
  const list: CallResult[] = [];
  return { list, done: (r) => void list.push(r) };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 10): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}
