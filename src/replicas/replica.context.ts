import type { ServeHandle } from '../interfaces/serve-request.interface';

/** Where `getHandle()` finds the code that routes handle calls: a replica runtime or a host. */
export interface HandleProvider {
  getHandle(endpoint: string): ServeHandle;
}

const REPLICA_KEY = Symbol.for('nestjs-serve:replica-handles');
const HOST_KEY = Symbol.for('nestjs-serve:host-handles');
type Slots = { [REPLICA_KEY]?: HandleProvider; [HOST_KEY]?: Set<HandleProvider> };
const slots = globalThis as typeof globalThis & Slots;

/** Called by the replica runtime: handles made in this thread go through it. Global, so every copy of the package sees it. */
export function setReplicaHandleProvider(provider: HandleProvider): void {
  slots[REPLICA_KEY] = provider;
}

/** Called by a running ServeModule; returns the function that unregisters it. */
export function addHostHandleProvider(provider: HandleProvider): () => void {
  const set = (slots[HOST_KEY] ??= new Set());
  set.add(provider);
  return () => set.delete(provider);
}

/** The provider for this thread: the replica's, else the single running host's. */
export function currentHandleProvider(): HandleProvider | undefined {
  if (slots[REPLICA_KEY]) return slots[REPLICA_KEY];
  const hosts = slots[HOST_KEY];
  return hosts?.size === 1 ? hosts.values().next().value : undefined;
}
