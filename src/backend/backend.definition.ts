import { RETRY_AFTER_SECONDS } from '../serve.constants';
import type { Type } from '@nestjs/common';
import {
  getBackendMetadata,
  getBatchMethods,
  getCallableMethods,
  getEndpointBindings,
  getMultiplexing,
} from '../decorators/backend.metadata';
import type { MultiplexedMetadata } from '../decorators/multiplexed.decorator';
import type { EndpointBinding } from '../decorators/endpoint.decorator';
import type {
  BackendOptions,
  ReplicaKind,
  ReplicaPlacementOption,
  ReplicaResourceLimits,
} from '../interfaces/backend-config.interface';
import { readCodeVersion } from '../replicas/code.version';
import { moduleFile } from '../replicas/module.loader';
import { ServeError } from '../serve.errors';
import { deployMessages, messages, streamMessages } from '../serve.messages';
import { stripUndefined } from '../utils/object.util';

/** What never changes about a backend once created: its class and how replicas load it. */
export interface BackendDefinition {
  name: string;
  cls: Type<unknown>;
  className: string;
  modulePath: string;
  exportName: string;
  /**
   * `sha256:…` of the module file when the backend was created: every replica (local or remote,
   * started later too) checks the file it loads against it and refuses to start on another.
   */
  codeVersion: string;
  initArgs: unknown[];
  /** Thread or process. */
  kind: ReplicaKind;
  /** In this app, on replica hosts, or both. */
  placement: ReplicaPlacementOption;
  env?: Record<string, string>;
  resourceLimits?: ReplicaResourceLimits;
  /** Methods callable on the class. */
  methods: string[];
  batchMethods: string[];
  bindings: EndpointBinding[];
  /** Method for an endpoint the class has no `@Endpoint()` for. */
  defaultMethod?: string;
  /** Its `@Multiplexed()` load method and options, when it serves many models. */
  multiplexing?: MultiplexedMetadata;
}

/**
 * Builds the definition of a backend from its class (decorator options) and explicit options,
 * the latter winning. Throws a ServeError naming the class when the class cannot be a backend.
 */
export function buildBackendDefinition(
  cls: Type<unknown>,
  name: string | undefined,
  options: BackendOptions,
): BackendDefinition {
  const metadata = getBackendMetadata(cls);
  if (typeof cls !== 'function') throw new ServeError('INVALID_CONFIG', messages.notABackend(String(cls)));
  if (!metadata && !options.modulePath)
    throw new ServeError('INVALID_CONFIG', messages.notABackend(`Class '${cls.name}'`));
  const merged: BackendOptions = { ...metadata, ...stripUndefined(options) };
  const modulePath = merged.modulePath ?? metadata?.definedIn;
  if (!modulePath) throw new ServeError('INVALID_CONFIG', messages.modulePathNotFound(cls.name));
  const methods = getCallableMethods(cls);
  for (const method of getBatchMethods(cls)) {
    const fn: unknown = (cls.prototype as Record<string, unknown>)[method];
    if (isGeneratorFunction(fn))
      throw new ServeError('INVALID_CONFIG', streamMessages.batchStream(name ?? merged.name ?? cls.name, method));
  }
  const bindings = getEndpointBindings(cls);
  const methodBindings = bindings.filter((b) => b.handler !== 'call');
  const backendName = name ?? merged.name ?? cls.name;
  const defaultMethod = methods.includes('call')
    ? 'call'
    : methodBindings.length === 1
      ? methodBindings[0].handler
      : undefined;
  return {
    name: backendName,
    cls,
    className: cls.name,
    modulePath,
    exportName: merged.exportName ?? cls.name,
    codeVersion: pinCode(backendName, modulePath),
    initArgs: merged.initArgs ?? [],
    kind: merged.replica ?? 'thread',
    placement: merged.placement ?? 'local',
    env: merged.env,
    resourceLimits: merged.resourceLimits,
    methods,
    batchMethods: getBatchMethods(cls),
    bindings,
    defaultMethod,
    multiplexing: getMultiplexing(cls),
  };
}

/** The code version of the module file now; the backend's replicas will run only that. */
function pinCode(backend: string, modulePath: string): string {
  const file = moduleFile(modulePath);
  try {
    return readCodeVersion(file);
  } catch (err) {
    throw new ServeError('INVALID_CONFIG', deployMessages.codeUnreadable(backend, file, (err as Error).message));
  }
}

/** The method of backend `spec` that serves `endpoint`, or undefined when it has none. */
export function methodForEndpoint(spec: BackendDefinition, endpoint: string): string | undefined {
  const bound = spec.bindings.find((b) => (b.options.name ?? b.options.route) === endpoint);
  return bound?.handler ?? spec.defaultMethod;
}

/** True for a `function*` or `async function*`: a method that streams. */
function isGeneratorFunction(fn: unknown): boolean {
  const kind = (fn as { constructor?: { name?: string } } | undefined)?.constructor?.name;
  return kind === 'AsyncGeneratorFunction' || kind === 'GeneratorFunction';
}

/** The 503 for a request that no replica of the backend can take now or soon, saying what to do. */
export function noCapacityError(
  definition: Pick<BackendDefinition, 'name' | 'placement'>,
  clusterUp: boolean,
): ServeError {
  const message =
    definition.placement === 'local'
      ? messages.noReplicas(definition.name)
      : messages.noRemoteReplica(definition.name, clusterUp);
  return new ServeError('REPLICA_UNAVAILABLE', message, { retryAfterSeconds: RETRY_AFTER_SECONDS });
}
