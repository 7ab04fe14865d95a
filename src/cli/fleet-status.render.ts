import { instanceLabel } from '../fleet/ack.verdict';
import type { FleetInstance, FleetRollout, FleetScaleRecord, StoredFleetState } from '../fleet/fleet.state';
import { json } from './apply-plan.render';

/** What `nestjs-serve status` shows: the desired state, its bucket, and the instances heard of. */
export interface FleetStatusReport {
  bucket: string;
  stored?: StoredFleetState;
  instances: FleetInstance[];
}

/**
 * The fleet as text: endpoints (route, methods, traffic, shadows, a guarded rollout in progress
 * or its result), backends (class, code version, config, the fleet's last autoscaling move), then instances with the revision each applied, whether it is live (heartbeat
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
      const rollout = state.rollouts?.[name];
      if (rollout) out.push(`    rollout  ${rolloutLine(rollout)}`);
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
      const move = state.autoscaling?.[name];
      if (move) out.push(`    last autoscaling move  ${moveLine(move, now)}`);
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

function rolloutLine(r: FleetRollout): string {
  const judged = r.done.map((d) => `${+(d.weight * 100).toFixed(2)}%`).join(', ') || 'none';
  if (r.result?.outcome === 'promoted') return `of ${r.backend} promoted (steps judged: ${judged})`;
  if (r.result) return `of ${r.backend} rolled back: ${r.result.reason}`;
  const step = r.step < 0 ? 'shadow phase' : `step ${r.step + 1} of ${r.options.steps.length}`;
  return `of ${r.backend} in progress, ${step}, steps judged: ${judged}${r.decider ? `, run by ${r.decider}` : ''}`;
}

function moveLine(m: FleetScaleRecord, now: number): string {
  const load = m.fleetLoad ? `, fleet load ${m.fleetLoad.ongoing} over ${m.fleetLoad.sites} sites` : '';
  return `${m.from} → ${m.target} ${((now - m.at) / 1000).toFixed(0)} s ago by ${m.decidedBy}${load}: ${m.reason}`;
}

function percentages(weights: Record<string, number>): string {
  const entries = Object.entries(weights);
  if (!entries.length) return 'none';
  return entries.map(([b, w]) => `${b} ${+(w * 100).toFixed(2)}%`).join(', ');
}
