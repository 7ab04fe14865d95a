import type { FleetInstance } from '../fleet/fleet.state';
import type { FleetStatus } from '../interfaces/serve-status.interface';

/** The fleet part of `status()`. */
export class FleetStatusView {
  /** This instance's view: its mode and revision, every instance heard of (live ones first, then by name). */
  static compose(
    self: string,
    shared: boolean,
    reason: string | undefined,
    revision: number,
    instances: readonly (FleetInstance & { live: boolean })[],
  ): FleetStatus {
    const list = instances
      .map((i) => ({
        id: i.id,
        name: i.name,
        revision: i.revision,
        lastSeen: i.lastSeen,
        startedAt: i.startedAt,
        live: i.live,
        self: i.id === self,
        ...(i.error ? { error: i.error.message } : {}),
        ...(i.load ? { figures: i.load } : {}),
      }))
      .sort((a, b) => Number(b.live) - Number(a.live) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return {
      mode: shared ? 'shared' : 'local',
      ...(shared ? {} : { reason: reason ?? 'not joined yet: NATS is not reachable' }),
      instance: self,
      revision,
      instances: list,
    };
  }
}
