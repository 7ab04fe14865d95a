import type { BackendConfig, ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { FleetBackend, FleetEndpoint, FleetState } from './fleet.state';
import { ownEntry } from '../utils/object.util';

/** One change an instance makes to go from the state it applied to the desired one. */
export type FleetStep =
  | { kind: 'deleteEndpoint'; name: string }
  | { kind: 'createBackend'; name: string; backend: FleetBackend }
  /** Same name, another class, code version or creation options: started anew, then swapped in. */
  | { kind: 'replaceBackend'; name: string; backend: FleetBackend }
  /** Only the fields that changed; `autoscaling: null` turns it off. */
  | { kind: 'updateBackend'; name: string; update: BackendConfig }
  | { kind: 'putEndpoint'; name: string; endpoint: FleetEndpoint }
  | { kind: 'deleteBackend'; name: string };

/**
 * The changes that take an instance from `applied` to `desired`, in an order that keeps every
 * step valid: endpoints go first (their routes free), backends are created or replaced before
 * endpoints name them, and deleted last, once no endpoint names them. The same two states
 * always give the same steps; equal states give none (so applying twice changes nothing).
 */
export function diffFleetState(applied: FleetState, desired: FleetState): FleetStep[] {
  const steps: FleetStep[] = [];
  for (const name of Object.keys(applied.endpoints))
    if (!ownEntry(desired.endpoints, name)) steps.push({ kind: 'deleteEndpoint', name });
  for (const [name, backend] of Object.entries(desired.backends)) {
    const before = ownEntry(applied.backends, name);
    if (!before) steps.push({ kind: 'createBackend', name, backend });
    else if (!sameDefinition(before, backend)) steps.push({ kind: 'replaceBackend', name, backend });
    else {
      const update = configUpdate(before.config, backend.config);
      if (update) steps.push({ kind: 'updateBackend', name, update });
    }
  }
  for (const [name, endpoint] of Object.entries(desired.endpoints))
    if (!same(ownEntry(applied.endpoints, name), endpoint)) steps.push({ kind: 'putEndpoint', name, endpoint });
  for (const name of Object.keys(applied.backends))
    if (!ownEntry(desired.backends, name)) steps.push({ kind: 'deleteBackend', name });
  return steps;
}

/** The fields of `next` that differ from `previous`, or undefined when none does. */
export function configUpdate(previous: ResolvedBackendConfig, next: ResolvedBackendConfig): BackendConfig | undefined {
  const update: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]) as Set<keyof ResolvedBackendConfig>;
  for (const key of keys) {
    if (same(previous[key], next[key])) continue;
    update[key] = key === 'autoscaling' && next.autoscaling === undefined ? null : next[key];
  }
  return Object.keys(update).length ? (update as BackendConfig) : undefined;
}

function sameDefinition(a: FleetBackend, b: FleetBackend): boolean {
  return (
    a.className === b.className &&
    a.modulePath === b.modulePath &&
    a.exportName === b.exportName &&
    a.codeVersion === b.codeVersion &&
    same(a.options, b.options)
  );
}

/** Equal as JSON, whatever the order of object keys. */
export function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as object).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
        : v,
    ) ?? 'undefined'
  );
}
