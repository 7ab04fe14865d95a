import type {
  ReplicaKind,
  ReplicaPlacementOption,
  ReplicaResourceLimits,
  ResolvedBackendConfig,
} from '../interfaces/backend-config.interface';

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
  return kind === 'backend' ? state.backends[name] : state.endpoints[name];
}
