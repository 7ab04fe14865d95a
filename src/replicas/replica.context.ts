import type { ServeHandle } from '../interfaces/serve-request.interface';
import type { ReplicaContext } from '../interfaces/replica-context.interface';

/** Where `getHandle()` finds the code that routes handle calls: a replica runtime or a running app. */
export interface HandleProvider {
  getHandle(endpoint: string): ServeHandle;
}

const REPLICA_KEY = Symbol.for('nestjs-serve:replica-handles');
// The symbol's name predates the word "app"; kept so that copies of older versions still share it.
const APP_KEY = Symbol.for('nestjs-serve:host-handles');
const CONTEXT_KEY = Symbol.for('nestjs-serve:replica-context');
type Slots = { [REPLICA_KEY]?: HandleProvider; [APP_KEY]?: Set<HandleProvider>; [CONTEXT_KEY]?: ReplicaContext };
const slots = globalThis as typeof globalThis & Slots;

/** Called by the replica runtime: handles made in this thread go through it. Global, so every copy of the package sees it. */
export function setReplicaHandleProvider(provider: HandleProvider): void {
  slots[REPLICA_KEY] = provider;
}

/** Called by a running ServeModule; returns the function that unregisters it. */
export function addAppHandleProvider(provider: HandleProvider): () => void {
  const set = (slots[APP_KEY] ??= new Set());
  set.add(provider);
  return () => set.delete(provider);
}

/** The provider for this thread: the replica's, else the single running app's. */
export function currentHandleProvider(): HandleProvider | undefined {
  if (slots[REPLICA_KEY]) return slots[REPLICA_KEY];
  const apps = slots[APP_KEY];
  return apps?.size === 1 ? apps.values().next().value : undefined;
}

/** Called by the replica entry before the backend's module loads, so that module-level code sees it too. */
export function setReplicaContext(context: ReplicaContext): void {
  slots[CONTEXT_KEY] = Object.freeze({ ...context });
}

/**
 * Inside a replica (thread, process, local or on a replica host): its backend, id, kind and CPU
 * budget. Outside one (the app's own code, a unit test constructing the class) `undefined`: nothing
 * budgets that code, so choose your own default, e.g. `replicaContext()?.cpus ?? 1`.
 *
 * @example
 * ```ts
 * @Backend({ replica: 'process', cpusPerReplica: 2 })
 * export class Embedder {
 *   private session = ort.InferenceSession.create('model.onnx', {
 *     intraOpNumThreads: replicaContext()?.cpus ?? 1,
 *     interOpNumThreads: 1,
 *   });
 * }
 * ```
 */
export function replicaContext(): ReplicaContext | undefined {
  return slots[CONTEXT_KEY];
}
