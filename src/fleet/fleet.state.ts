import type {
  ReplicaKind,
  ReplicaPlacementOption,
  ReplicaResourceLimits,
  ResolvedBackendConfig,
} from '../interfaces/backend-config.interface';
import type { ResolvedRolloutOptions, RolloutResult, RolloutStep } from '../interfaces/rollout-options.interface';
import type { AutoscalingDecisionStatus, FleetInstanceFigures } from '../interfaces/serve-status.interface';
import { ownEntry } from '../utils/object.util';

/** The format of the stored document; a later format is refused rather than misread. */
export const FLEET_STATE_FORMAT = 1;

/** What a backend was created with and never changes: how every instance loads the same class. */
export interface FleetBackendOptions {
  initArgs: unknown[];
  replica: ReplicaKind;
  placement: ReplicaPlacementOption;
  env?: Record<string, string>;
  resourceLimits?: ReplicaResourceLimits;
}

/** A backend in the fleet's desired state: where its class is, the code version pinned, its config. */
export interface FleetBackend {
  className: string;
  /** The module file that defines the class, as the instance that created it resolved it. */
  modulePath: string;
  exportName: string;
  /** `sha256:…` of that file when the backend was created: an instance with other code refuses it. */
  codeVersion: string;
  options: FleetBackendOptions;
  /** The changeable part: userConfig, numReplicas, limits, autoscaling. */
  config: ResolvedBackendConfig;
}

/** An endpoint in the fleet's desired state. */
export interface FleetEndpoint {
  route: string;
  methods: string[];
  traffic: Record<string, number>;
  shadows: Record<string, number>;
  stream?: 'sse';
}

/** The fleet's desired state: one JSON document, written with compare-and-set on its revision. */
export interface FleetState {
  format: number;
  backends: Record<string, FleetBackend>;
  endpoints: Record<string, FleetEndpoint>;
  /**
   * Every entity a forRoot() declaration ever added: a declaration seeds its entity once, so an
   * entity deleted at run time stays deleted when an instance with that declaration restarts.
   */
  seeded: FleetEntityKey[];
  /**
   * Guarded rollouts by endpoint: the one in progress, or the last one ended (with its `result`).
   * The instance holding the decider lease runs them; any instance starts or aborts one.
   */
  rollouts?: Record<string, FleetRollout>;
  /**
   * The last autoscaling move of each autoscaled backend, by backend name: written with the
   * `numReplicas` it set, so every instance's status() says who decided it and from what load.
   */
  autoscaling?: Record<string, FleetScaleRecord>;
}

/** An autoscaling move as the fleet stores it (see {@link FleetState.autoscaling}). */
export type FleetScaleRecord = AutoscalingDecisionStatus &
  Required<Pick<AutoscalingDecisionStatus, 'from' | 'decidedBy'>>;

/** A guarded rollout as the fleet stores it: where it is, so another instance can carry it on. */
export interface FleetRollout {
  /** Unique per rollout: the callers waiting for its result match on it. */
  id: string;
  /** The candidate backend. */
  backend: string;
  options: ResolvedRolloutOptions;
  /** The split before the rollout, put back on roll-back. */
  previous: Record<string, number>;
  /** The candidate's shadow share before the rollout, if it had one (put back after a shadow phase). */
  shadowedBefore?: number;
  /** Index of the step in progress in `options.steps` (-1: the shadow phase). */
  step: number;
  /** When the step in progress began (epoch ms); 0 before the first step began. */
  stepStartedAt: number;
  startedAt: number;
  /** Steps judged so far. */
  done: RolloutStep[];
  /** The instance running it now (its label), for status(). */
  decider?: string;
  /** Set by `abortRollout()` on any instance: the decider rolls back with this reason. */
  abort?: string;
  /** How it ended; unset while it runs. */
  result?: RolloutResult;
}

/** One backend's live figures on one endpoint over the step of a rollout in progress, as an instance saw them. */
export interface FleetStepFigures {
  endpoint: string;
  backend: string;
  /** The rollout's `stepStartedAt` these figures are for (from then to the heartbeat). */
  since: number;
  requests: number;
  errors: number;
  p99Ms?: number;
}

/** A desired state with the store revision it was read or written at. */
export interface StoredFleetState {
  revision: number;
  state: FleetState;
}

/** What an instance says of itself in its heartbeat. */
export interface FleetBeat {
  id: string;
  name: string;
  /** The revision of the desired state it applied last. */
  revision: number;
  startedAt: number;
  /** The last change it could not apply in full, if any. */
  error?: { revision: number; message: string };
  /** Its own figures of the rollouts in progress: the decider judges their sum over the fleet. */
  figures?: FleetStepFigures[];
  /** Its own load: requests answered since it started, in flight and queued now. */
  load?: FleetInstanceFigures;
}

/** An instance as the store last heard of it. */
export interface FleetInstance extends FleetBeat {
  /** When its last heartbeat was stored (the NATS server's clock), in ms since the epoch. */
  lastSeen: number;
}

/** An empty desired state. */
export function emptyFleetState(): FleetState {
  return { format: FLEET_STATE_FORMAT, backends: {}, endpoints: {}, seeded: [] };
}

/** The key of an entity in conflict decisions and messages: `backend:<name>` or `endpoint:<name>`. */
export type FleetEntityKey = `backend:${string}` | `endpoint:${string}`;

/** The value of the entity `key` in `state` (undefined when absent). */
export function fleetEntity(state: FleetState, key: FleetEntityKey): FleetBackend | FleetEndpoint | undefined {
  const [kind, ...rest] = key.split(':');
  const name = rest.join(':');
  return kind === 'backend' ? ownEntry(state.backends, name) : ownEntry(state.endpoints, name);
}

/**
 * The key two routes of the fleet share when they are one route: without a trailing slash, and in
 * lower case, since an instance's router may ignore case (Express's default) and every instance
 * serves every endpoint.
 */
export function fleetRouteKey(route: string): string {
  return (route.length > 1 ? route.replace(/\/+$/, '') || '/' : route).toLowerCase();
}
