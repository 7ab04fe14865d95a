import type { ApplyPlan, ChangeEffect, PlannedChange } from '../fleet/apply.plan';
import { same } from '../fleet/fleet.diff';
import type { FleetEndpoint, FleetState } from '../fleet/fleet.state';

const EFFECTS: Record<ChangeEffect, string> = {
  routing: 'routing only',
  reconfigures: 'reconfigures replicas (reconfigure(userConfig), no restart)',
  scales: 'starts or stops replicas',
  starts: 'starts replicas',
  restarts: 'restarts replicas (new ones start, then replace the old)',
  stops: 'stops replicas',
  settings: 'limits only, no replica restarted',
};

/**
 * The plan of `nestjs-serve apply` as text: a header naming the file and the revision it was
 * made against, then one line per change (`+` added, `~` changed, `!` replaced, `-` deleted)
 * with what it does to the instances' replicas.
 */
export function renderApplyPlan(plan: ApplyPlan, file: string, dryRun: boolean): string {
  if (!plan.changes.length)
    return `No changes: the fleet's desired state (revision ${plan.base}) already matches ${file}.`;
  const head = `${dryRun ? 'Plan' : 'Applying'} ${file} against revision ${plan.base}${dryRun ? ' (dry run: nothing written)' : ''}:`;
  const lines = plan.changes.map((change) => `  ${describe(change, plan.before)}  [${effects(change)}]`);
  return [head, ...lines].join('\n');
}

function effects(change: PlannedChange): string {
  return change.effects.map((e) => EFFECTS[e]).join('; ');
}

function describe({ step }: PlannedChange, before: FleetState): string {
  switch (step.kind) {
    case 'deleteEndpoint':
      return `- endpoint '${step.name}' (${before.endpoints[step.name].route})`;
    case 'putEndpoint': {
      const old = before.endpoints[step.name];
      if (!old) return `+ endpoint '${step.name}' ${step.endpoint.route} ${fields(step.endpoint)}`;
      return `~ endpoint '${step.name}' ${step.endpoint.route}: ${changed(old, step.endpoint)}`;
    }
    case 'createBackend':
      return `+ backend '${step.name}' (export ${step.backend.exportName} of ${step.backend.modulePath})`;
    case 'replaceBackend':
      return `! backend '${step.name}' (now export ${step.backend.exportName} of ${step.backend.modulePath}, ${step.backend.codeVersion})`;
    case 'updateBackend': {
      const old = before.backends[step.name].config as unknown as Record<string, unknown>;
      const parts = Object.entries(step.update).map(([k, v]) => `${k} ${json(old[k])} → ${json(v)}`);
      return `~ backend '${step.name}': ${parts.join(', ')}`;
    }
    case 'deleteBackend':
      return `- backend '${step.name}'`;
  }
}

function fields(e: FleetEndpoint): string {
  const shadows = Object.keys(e.shadows).length ? ` shadows ${json(e.shadows)}` : '';
  return `${e.methods.join(',')} traffic ${json(e.traffic)}${shadows}${e.stream ? ' stream sse' : ''}`;
}

function changed(old: FleetEndpoint, next: FleetEndpoint): string {
  const keys = ['route', 'methods', 'traffic', 'shadows', 'stream'] as const;
  return keys
    .filter((k) => !same(old[k], next[k]))
    .map((k) => `${k} ${json(old[k])} → ${json(next[k])}`)
    .join(', ');
}

/** Values longer than this are shortened in text output ('status --json' prints them whole). */
const LONGEST_VALUE = 200;

/** JSON, or `none` for undefined; a long value shortened, saying how long it is. */
export function json(value: unknown): string {
  const text = value === undefined ? 'none' : (JSON.stringify(value) ?? String(value));
  return text.length > LONGEST_VALUE ? `${text.slice(0, LONGEST_VALUE - 40)}… (${text.length} characters)` : text;
}
