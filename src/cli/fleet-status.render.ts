import { instanceLabel } from '../fleet/ack.verdict';
import type { FleetInstance, StoredFleetState } from '../fleet/fleet.state';
import { json } from './apply-plan.render';

/** What `nestjs-serve status` shows: the desired state, its bucket, and the instances heard of. */
export interface FleetStatusReport {
  bucket: string;
  stored?: StoredFleetState;
  instances: FleetInstance[];
}

/**
 * The fleet as text: endpoints (route, methods, traffic, shadows), backends (class, code
 * version, config), then instances with the revision each applied, whether it is live (heartbeat
 * at most `liveWindowMs` old at `now`) and behind, and its last error.
 */
export function renderFleetStatus(report: FleetStatusReport, now: number, liveWindowMs: number): string {
  const { stored, instances } = report;
  const out = [
    stored
      ? `Fleet desired state: revision ${stored.revision} (JetStream bucket '${report.bucket}')`
      : `No desired state in JetStream bucket '${report.bucket}' yet.`,
  ];
  const state = stored?.state;
  if (state) {
    out.push('', `Endpoints (${Object.keys(state.endpoints).length})`);
    for (const [name, e] of Object.entries(state.endpoints)) {
      out.push(`  ${name}  ${e.route}  ${e.methods.join(',')}${e.stream ? '  stream sse' : ''}`);
      out.push(`    traffic  ${percentages(e.traffic)}`);
      if (Object.keys(e.shadows).length) out.push(`    shadows  ${percentages(e.shadows)}`);
    }
    out.push('', `Backends (${Object.keys(state.backends).length})`);
    for (const [name, b] of Object.entries(state.backends)) {
      out.push(
        `  ${name}  export ${b.exportName} of ${b.modulePath} (${b.codeVersion}), ${b.options.replica} replicas, ${b.options.placement}`,
      );
      const { userConfig, autoscaling, ...limits } = b.config;
      out.push(
        `    ${Object.entries(limits)
          .map(([k, v]) => `${k} ${json(v)}`)
          .join(', ')}`,
      );
      out.push(`    userConfig ${json(userConfig)}, autoscaling ${autoscaling ? json(autoscaling) : 'off'}`);
    }
  }
  const live = instances.filter((i) => now - i.lastSeen <= liveWindowMs);
  out.push('', `Instances (${live.length} live, ${instances.length} heard of)`);
  for (const i of [...instances].sort((a, b) => a.name.localeCompare(b.name))) {
    const behind = stored && i.revision < stored.revision ? ', behind' : '';
    const seen = `${((now - i.lastSeen) / 1000).toFixed(1)} s ago`;
    const where = now - i.lastSeen <= liveWindowMs ? 'live' : 'not heard from lately';
    out.push(`  ${instanceLabel(i)}  revision ${i.revision}${behind}  ${where}, last seen ${seen}`);
    if (i.error) out.push(`    could not apply revision ${i.error.revision}: ${i.error.message}`);
  }
  return out.join('\n');
}

function percentages(weights: Record<string, number>): string {
  const entries = Object.entries(weights);
  if (!entries.length) return 'none';
  return entries.map(([b, w]) => `${b} ${+(w * 100).toFixed(2)}%`).join(', ');
}
