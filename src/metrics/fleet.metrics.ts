import type { ServeStatus } from '../interfaces/serve-status.interface';
import { ScrapedMetric } from './scraped.metric';

/**
 * The fleet's metrics (with `cluster` and a JetStream server): the revision of the desired state
 * each instance applied, as this instance heard it (a lagging instance shows on every instance's
 * scrape), and whether this instance is the decider. The instance's id is the `fleet_instance`
 * label: Prometheus keeps `instance` for the scrape target (it would rename ours
 * `exported_instance`). Nothing is exported without a fleet.
 */
export function fleetMetrics(prefix: string, status: () => ServeStatus): ScrapedMetric[] {
  return [
    new ScrapedMetric(
      `${prefix}fleet_instance_revision`,
      'Revision of the fleet’s desired state each live instance applied, as this instance last heard (self: 1 on this instance’s own sample).',
      'gauge',
      (out) => {
        for (const i of status().fleet?.instances ?? [])
          if (i.live) out.value({ fleet_instance: i.id, name: i.name, self: i.self ? '1' : '0' }, i.revision);
      },
    ),
    new ScrapedMetric(
      `${prefix}fleet_decider`,
      'Whether this instance holds the fleet’s decider lease (1) and so runs its guarded rollouts, or not (0).',
      'gauge',
      (out) => {
        const fleet = status().fleet;
        if (fleet?.mode !== 'shared') return;
        out.value({ fleet_instance: fleet.instance }, fleet.decider?.endsWith(`(${fleet.instance})`) ? 1 : 0);
      },
    ),
  ];
}
