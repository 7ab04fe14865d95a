import { cliMessages } from '../messages/cli.messages';
import { nextConfig } from '../options/backend-config.resolve';
import { DEFAULT_BACKEND_CONFIG } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { runningRollout } from './fleet-rollout.edits';
import { splitUses } from '../router/split.uses';
import type { FleetFile, FleetFileBackend } from './fleet-file.validator';
import { diffFleetState, same, type FleetStep } from './fleet.diff';
import {
  emptyFleetState,
  fleetRouteKey,
  type FleetBackend,
  type FleetState,
  type StoredFleetState,
} from './fleet.state';
import { ownEntry } from '../utils/object.util';

/** What a change does to the app instances that apply it. */
export type ChangeEffect =
  /** Only where requests go: routes, traffic, shadows. */
  | 'routing'
  /** `reconfigure(userConfig)` in every replica in turn, none restarted. */
  | 'reconfigures'
  /** New replicas start (a new backend). */
  | 'starts'
  /** Replicas start or stop (numReplicas, autoscaling). */
  | 'scales'
  /** New replicas start and replace the old ones (another class, code version or creation options). */
  | 'restarts'
  /** Replicas stop (a backend deleted). */
  | 'stops'
  /** Limits and timeouts only, for new requests; no replica touched. */
  | 'settings';

/** One step of an apply plan and what it does to the instances. */
export interface PlannedChange {
  step: FleetStep;
  effects: ChangeEffect[];
}

/** The desired state an apply file leads to, and the steps from the current one. */
export interface ApplyPlan {
  /** The revision the plan was made against: the compare-and-set write expects it. */
  base: number;
  before: FleetState;
  state: FleetState;
  changes: PlannedChange[];
}

/**
 * Merges `file` into the current desired state: the file's endpoints replace theirs; its backends'
 * `config` fields update theirs; a backend the fleet lacks needs its class fields (apply never
 * loads a class). With `prune`, endpoints and backends the file does not list are deleted, but
 * never a backend an endpoint still names. Throws an INVALID_CONFIG ServeError naming the field.
 */
export function planApply(
  current: StoredFleetState | undefined,
  file: FleetFile,
  prune: boolean,
  name: string,
): ApplyPlan {
  const before = current?.state ?? emptyFleetState();
  const state = structuredClone(before);
  for (const [backend, entry] of Object.entries(file.backends))
    state.backends[backend] = mergeBackend(ownEntry(before.backends, backend), entry, backend, name);
  for (const [endpoint, entry] of Object.entries(file.endpoints)) state.endpoints[endpoint] = structuredClone(entry);
  if (prune) {
    for (const endpoint of Object.keys(state.endpoints))
      if (!ownEntry(file.endpoints, endpoint)) delete state.endpoints[endpoint];
    for (const backend of Object.keys(state.backends)) {
      if (ownEntry(file.backends, backend)) continue;
      const users = Object.entries(state.endpoints)
        .filter(([, e]) => splitUses(e, backend))
        .map(([endpoint]) => endpoint);
      if (users.length) throw new ServeError('INVALID_CONFIG', cliMessages.pruneInUse(backend, users));
      delete state.backends[backend];
    }
  }
  const routes = new Map<string, string>();
  for (const [endpoint, e] of Object.entries(state.endpoints)) {
    const route = fleetRouteKey(e.route);
    const owner = routes.get(route);
    if (owner) throw new ServeError('INVALID_CONFIG', cliMessages.routeShared(name, e.route, owner, endpoint));
    routes.set(route, endpoint);
    if (!ownEntry(file.endpoints, endpoint)) continue;
    for (const part of ['traffic', 'shadows'] as const)
      for (const backend of Object.keys(e[part]))
        if (!ownEntry(state.backends, backend))
          throw new ServeError(
            'INVALID_CONFIG',
            cliMessages.unknownBackendNamed(
              name,
              `endpoints.${endpoint}.${part}`,
              backend,
              Object.keys(state.backends),
            ),
          );
  }
  guardRollouts(before, state, name);
  const changes = diffFleetState(before, state).map((step) => ({ step, effects: effectsOf(step) }));
  return { base: current?.revision ?? 0, before, state, changes };
}

/**
 * As the app's own calls: an endpoint being rolled out keeps its split until the rollout ends
 * (CONFLICT), and deleting it ends the rollout, rolled back.
 */
function guardRollouts(before: FleetState, state: FleetState, name: string): void {
  for (const endpoint of Object.keys(before.rollouts ?? {})) {
    const rollout = runningRollout(state, endpoint);
    if (!rollout) continue;
    const next = ownEntry(state.endpoints, endpoint);
    if (!next)
      rollout.result = { outcome: 'rolled-back', reason: messages.rolloutEndpointGone(endpoint), steps: rollout.done };
    else if (!same(ownEntry(before.endpoints, endpoint), next))
      throw new ServeError('CONFLICT', cliMessages.rolloutRunning(name, endpoint, rollout.backend));
  }
}

/** What one step does to the replicas of the instances that apply it. */
export function effectsOf(step: FleetStep): ChangeEffect[] {
  switch (step.kind) {
    case 'deleteEndpoint':
    case 'putEndpoint':
      return ['routing'];
    case 'createBackend':
      return ['starts'];
    case 'replaceBackend':
      return ['restarts'];
    case 'deleteBackend':
      return ['stops'];
    case 'updateBackend': {
      const keys = Object.keys(step.update);
      const effects: ChangeEffect[] = [];
      if (keys.includes('userConfig')) effects.push('reconfigures');
      if (keys.includes('numReplicas') || keys.includes('autoscaling')) effects.push('scales');
      if (keys.some((k) => !['userConfig', 'numReplicas', 'autoscaling'].includes(k))) effects.push('settings');
      return effects;
    }
  }
}

function mergeBackend(
  existing: FleetBackend | undefined,
  entry: FleetFileBackend,
  backend: string,
  name: string,
): FleetBackend {
  const defined = entry.modulePath ?? entry.exportName ?? entry.codeVersion ?? entry.className ?? entry.options;
  if (!existing && !defined) throw new ServeError('INVALID_CONFIG', cliMessages.backendWithoutClass(name, backend));
  const base = existing?.config ?? { ...DEFAULT_BACKEND_CONFIG };
  const config = entry.config ? nextConfig(base, entry.config) : base;
  if (!defined) return checkCpus({ ...existing!, config }, existing, backend, name);
  for (const key of ['modulePath', 'exportName', 'codeVersion'] as const)
    if (!entry[key])
      throw new ServeError(
        'INVALID_CONFIG',
        cliMessages.badField(
          name,
          `backends.${backend}.${key}`,
          'missing',
          'a non-empty string (modulePath, exportName and codeVersion go together)',
        ),
      );
  const record: FleetBackend = {
    className: entry.className ?? existing?.className ?? entry.exportName!,
    modulePath: entry.modulePath!,
    exportName: entry.exportName!,
    codeVersion: entry.codeVersion!,
    options: { initArgs: [], replica: 'thread', placement: 'local', ...existing?.options, ...entry.options },
    config,
  };
  return checkCpus(record, existing, backend, name);
}

/** A backend kept (same class and code) cannot change its cpusPerReplica: its replicas started with it. */
function checkCpus(
  next: FleetBackend,
  existing: FleetBackend | undefined,
  backend: string,
  name: string,
): FleetBackend {
  if (!existing || next.config.cpusPerReplica === existing.config.cpusPerReplica) return next;
  const { config: _a, ...a } = next;
  const { config: _b, ...b } = existing;
  if (same(a, b))
    throw new ServeError(
      'INVALID_CONFIG',
      cliMessages.cpusFixed(name, backend, existing.config.cpusPerReplica, next.config.cpusPerReplica),
    );
  return next;
}
