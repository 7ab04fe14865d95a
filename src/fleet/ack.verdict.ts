import type { FleetInstance } from './fleet.state';

/** Where a written revision stands across the fleet. */
export type AckVerdict =
  { state: 'applied' } | { state: 'waiting'; lagging: FleetInstance[] } | { state: 'failed'; failed: FleetInstance[] };

/**
 * Has every live instance applied `revision`? An instance is live when its last heartbeat is at
 * most `liveWindowMs` old at `now`; one that reports an error for this revision fails the wait.
 */
export function ackVerdict(
  instances: readonly FleetInstance[],
  revision: number,
  now: number,
  liveWindowMs: number,
): AckVerdict {
  const live = instances.filter((i) => now - i.lastSeen <= liveWindowMs);
  const failed = live.filter((i) => i.error?.revision === revision);
  if (failed.length) return { state: 'failed', failed };
  const lagging = live.filter((i) => i.revision < revision);
  return lagging.length ? { state: 'waiting', lagging } : { state: 'applied' };
}

/** `name (id)` of an instance, for messages. */
export function instanceLabel(instance: Pick<FleetInstance, 'id' | 'name'>): string {
  return `${instance.name} (${instance.id})`;
}
