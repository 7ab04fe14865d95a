import {
  BACKEND_METADATA,
  BATCH_METADATA,
  ENDPOINTS_METADATA,
  FUNCTION_BACKEND_METADATA,
  MULTIPLEXED_METADATA,
} from '../serve.constants';
import type { MultiplexedMetadata } from './multiplexed.decorator';
import type { BackendMetadata } from './backend.decorator';
import { nameFunctionBackend, type FunctionBackendRecord } from './function-backend.naming';
import type { EndpointBinding } from './endpoint.decorator';

/**
 * The `@Backend()` options of a class, or undefined when it has none. A class from
 * `defineBackend()` is first named after its export (throws a ServeError when it is not exported).
 */
export function getBackendMetadata(cls: unknown): BackendMetadata | undefined {
  if (typeof cls !== 'function') return undefined;
  const metadata: BackendMetadata | undefined = Reflect.getMetadata(BACKEND_METADATA, cls);
  const record: FunctionBackendRecord | undefined = Reflect.getOwnMetadata(FUNCTION_BACKEND_METADATA, cls);
  if (metadata && record) nameFunctionBackend(cls, metadata, record);
  return metadata;
}

/** What `defineBackend()` recorded on the class it generated, or undefined for any other class. */
export function getFunctionBackendRecord(cls: unknown): FunctionBackendRecord | undefined {
  return typeof cls === 'function' ? Reflect.getOwnMetadata(FUNCTION_BACKEND_METADATA, cls) : undefined;
}

/** The `@Endpoint()` bindings of a class and its parents. */
export function getEndpointBindings(cls: Function): EndpointBinding[] {
  return Reflect.getMetadata(ENDPOINTS_METADATA, cls) ?? [];
}

/** Names of the `@Batch()` methods of a class and its parents. */
export function getBatchMethods(cls: Function): string[] {
  return Reflect.getMetadata(BATCH_METADATA, cls) ?? [];
}

/** The `@Multiplexed()` load method of a class (or a parent) and its options, or undefined. */
export function getMultiplexing(cls: Function): MultiplexedMetadata | undefined {
  return Reflect.getMetadata(MULTIPLEXED_METADATA, cls);
}

/** Methods no request may call: lifecycle hooks run only through ServeService. */
export const RESERVED_METHODS: ReadonlySet<string> = new Set(['constructor', 'reconfigure']);

/** Names of the methods a backend class instance can be called with (lifecycle hooks excluded). */
export function getCallableMethods(cls: Function): string[] {
  const names = new Set<string>();
  const multiplexing = getMultiplexing(cls);
  // A multiplexed backend's load and unload run through its model cache only.
  const hidden = multiplexing ? new Set([multiplexing.method, 'unload']) : new Set<string>();
  for (let proto = cls.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (!RESERVED_METHODS.has(name) && !hidden.has(name) && typeof descriptor?.value === 'function') names.add(name);
    }
  }
  return [...names];
}
