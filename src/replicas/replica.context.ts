import type { ServeHandle } from '../interfaces/serve-request.interface';

/** Where `getHandle()` finds the code that routes handle calls: a replica runtime or a running app. */
export interface HandleProvider {
  getHandle(endpoint: string): ServeHandle;
}

const REPLICA_KEY = Symbol.for('nestjs-serve:replica-handles');
// The symbol's name predates the word "app"; kept so that copies of older versions still share it.
const APP_KEY = Symbol.for('nestjs-serve:host-handles');
type Slots = { [REPLICA_KEY]?: HandleProvider; [APP_KEY]?: Set<HandleProvider> };
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
