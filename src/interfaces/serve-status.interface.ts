import type { ReplicaKind } from './backend-config.interface';
import type { ResolvedAutoscalingConfig } from './autoscaling-config.interface';
import type { RolloutProgress } from './rollout-options.interface';
import type { ServeEvent } from './serve-event.interface';
import type { ModelsStatus } from './model-status.interface';

export type * from './serve-event.interface';
export type * from './model-status.interface';

/**
 * The state of a backend, as `ServeService.status()`, the metrics and the status page show it.
 * - `HEALTHY`: every replica it should have is ready.
 * - `UPDATING`: starting its first replicas, or rolling out a user config or other change.
 * - `UPSCALING` / `DOWNSCALING`: starting or stopping replicas towards a new target count.
 * - `UNHEALTHY`: it was serving, but has fewer ready replicas than it should (replicas died or
 *   stopped answering health pings); replacements are on their way.
 * - `DEPLOY_FAILED`: its replicas fail to start (constructor or `reconfigure` threw, bad module,
 *   version mismatch), so it has no ready replica; the reason says why.
 */
export type BackendState = 'HEALTHY' | 'UPDATING' | 'UPSCALING' | 'DOWNSCALING' | 'UNHEALTHY' | 'DEPLOY_FAILED';

/** The state of one replica. */
export type ReplicaState = 'STARTING' | 'READY' | 'UNHEALTHY' | 'STOPPING';

/** What a replica last reported about itself, with its health-check pong. */
export interface ReplicaVitals {
  /**
   * Resident set size of the replica's process, in bytes. A thread replica shares its process
   * with the host app (and the other thread replicas), so this is the whole process's RSS.
   */
  rssBytes: number;
  /** V8 heap in use by the replica (its own isolate for a thread replica), in bytes. */
  heapUsedBytes: number;
  /** V8 heap reserved by the replica, in bytes. */
  heapTotalBytes: number;
  /**
   * Share of time (0..1) the replica's event loop was busy since its previous report
   * (`performance.eventLoopUtilization()`); near 1 means the replica is saturated.
   */
  eventLoopUtilization: number;
  /** When the host received this report, in ms since the epoch. */
  at: number;
}

/** One replica in {@link BackendStatus}. */
export interface ReplicaStatus {
  /** The replica's id, e.g. `sentiment-v1#2`. */
  id: string;
  /** Its state. */
  state: ReplicaState;
  /** Where it runs: `local` (this app) or the name of the replica host. */
  site: string;
  /** How it runs: a worker thread or a child process. */
  kind: ReplicaKind;
  /** Requests it is handling now. */
  inFlight: number;
  /** Requests it has answered since it started. */
  served: number;
  /** Memory and event-loop use it last reported; `null` before its first report. */
  vitals: ReplicaVitals | null;
  /** A multiplexed backend's replica: ids of the models it holds loaded, as it last reported. */
  models?: string[];
}

/** Windowed and current figures of a backend (or of one endpoint's share of it). */
export interface TrafficFigures {
  /** Requests per second over the last window (see `windowSeconds`). */
  requestsPerSecond: number;
  /** Median total latency (queue wait + processing) over the window, in ms; `null` with no request. */
  p50Ms: number | null;
  /** 99th percentile total latency over the window, in ms; `null` with no request. */
  p99Ms: number | null;
  /** Share (0..1) of the window's requests that failed (status ≥ 500, timeout, overload, replica died). */
  errorRate: number;
  /** Requests answered in the window (every figure above is of these). */
  requests: number;
  /**
   * Requests in the window whose caller went away before the answer: a client that disconnected,
   * a stream left before its end, an aborted handle call. Neither errors nor successes, so in no
   * figure above.
   */
  cancelled: number;
  /** Length of the window, in seconds. */
  windowSeconds: number;
}

/** The last error of a backend. */
export interface LastError {
  /** What happened, naming the backend or replica. */
  message: string;
  /** When, in ms since the epoch. */
  at: number;
}

/** Figures of a backend in {@link BackendStatus}: its windowed figures cover real and shadow traffic together. */
export interface BackendFigures extends TrafficFigures {
  /** Requests waiting in the backend's queue now. */
  queued: number;
  /** Requests running in its replicas now. */
  inFlight: number;
  /** Replicas replaced since the backend was created (after a crash, kill or failed health check). */
  restarts: number;
  /** Calls a full shared replica (on a replica host, used by several instances) refused; each was sent again. */
  refused: number;
  /** Its last failed request or replica failure; `null` if none. */
  lastError: LastError | null;
}

/** One backend in {@link ServeStatus}. */
export interface BackendStatus {
  /** The backend's name. */
  name: string;
  /** Its state now. */
  state: BackendState;
  /** Why it is in that state (e.g. which replica failed and how), naming the backend. */
  reason: string;
  /** Since when it is in that state, in ms since the epoch. */
  since: number;
  /**
   * The code version its replicas run: `sha256:` and the first 8 hex digits of the hash of the
   * backend's module file when it was created, as `listBackends()[name].codeVersion` says.
   */
  codeVersion: string;
  /**
   * The same as {@link codeVersion}, under the name `status()` first gave it.
   * @deprecated Read `codeVersion`, the name `listBackends()` uses too; `version` stays as long as 0.x does.
   */
  version?: string;
  /** Replicas wanted. */
  targetReplicas: number;
  /** Cores each replica may use (`cpusPerReplica`), what `replicaContext().cpus` says in its replicas. */
  cpusPerReplica: number;
  /** Its replicas, ready or not. */
  replicas: ReplicaStatus[];
  /** Its figures. */
  figures: BackendFigures;
  /** Its last events, oldest first. */
  events: ServeEvent[];
  /** Its autoscaling settings and last decision, when autoscaling is on. */
  autoscaling?: AutoscalingStatus;
  /** Its models, when it is multiplexed (`@Multiplexed()`). */
  models?: ModelsStatus;
}

/** Autoscaling of one backend in {@link BackendStatus}. */
export interface AutoscalingStatus extends ResolvedAutoscalingConfig {
  /**
   * The last decision: the count it moved to, why, and when (ms since the epoch). In a fleet it
   * is the fleet's last move of the backend's `numReplicas`, the same on every instance.
   */
  lastDecision?: AutoscalingDecisionStatus;
}

/** A decision of the autoscaler, in {@link AutoscalingStatus}. */
export interface AutoscalingDecisionStatus {
  /** The replica count (per site) it moved to. */
  target: number;
  /** Why, e.g. `ongoing requests 7.6 / targetOngoingRequests 2, held 1000 ms (scale up)`. */
  reason: string;
  /** When, in ms since the epoch. */
  at: number;
  /** In a fleet: the count (per site) it moved from. */
  from?: number;
  /**
   * In a fleet: the instance that wrote it (`name (id)`): the decider, or the instance where a
   * request waited while the backend had no replica (a scale from zero).
   */
  decidedBy?: string;
  /** In a fleet: the load summed over every instance it was decided from. */
  fleetLoad?: FleetAutoscalingLoad;
}

/** A backend's load summed over the fleet, as the decider's autoscaler judges it. */
export interface FleetAutoscalingLoad {
  /** Requests queued and in flight for the backend, over every instance that reported it. */
  ongoing: number;
  /**
   * Sites the backend's replicas run on across the fleet: each instance's own (placement
   * `local` or `both`) once per instance, each replica host once. `numReplicas` counts per site.
   */
  sites: number;
  /** `ongoing` ÷ `sites`: what the policy compares with `targetOngoingRequests`. */
  perSite: number;
  /** Instances whose figures were summed (the decider included). */
  instances: number;
}

/** One endpoint in {@link ServeStatus}. */
export interface EndpointStatus {
  /** The endpoint's name. */
  name: string;
  /** Its HTTP route, e.g. `/sentiment`. */
  route: string;
  /** HTTP methods it accepts. */
  methods: string[];
  /** Share (0..1, summing to 1) of its requests each backend gets, by backend name. */
  traffic: Record<string, number>;
  /** Share (0..1) of its requests copied to each shadow backend, by backend name. */
  shadows: Record<string, number>;
  /** Its figures over the window, all backends together. */
  figures: TrafficFigures;
  /** The guarded rollout in progress on it, if any. */
  rollout?: RolloutProgress;
}

/** What `ServeService.status()` returns: everything the status page shows. */
export interface ServeStatus {
  /** When this status was taken, in ms since the epoch. */
  at: number;
  /** `true` once the app is shutting down and draining. */
  shuttingDown: boolean;
  /** Backends by name. */
  backends: Record<string, BackendStatus>;
  /** Endpoints by name. */
  endpoints: Record<string, EndpointStatus>;
  /** The fleet of app instances sharing the desired state; present when `cluster` is set. */
  fleet?: FleetStatus;
}

/** The fleet as one instance sees it. */
export interface FleetStatus {
  /**
   * `shared`: the desired state lives in NATS JetStream and every instance applies it; `local`:
   * this instance keeps its own (no JetStream, no NATS yet, or `cluster.fleet: false`), see `reason`.
   */
  mode: 'shared' | 'local';
  reason?: string;
  /** This instance's id. */
  instance: string;
  /** The revision of the desired state this instance applied. */
  revision: number;
  /** Every instance heard of, live ones first, with the revision each applied. */
  instances: FleetInstanceStatus[];
  /**
   * The instance holding the decider lease as last seen (`name (id)`): it runs the fleet's
   * guarded rollouts. Unset while nobody holds it or before this instance first asked.
   */
  decider?: string;
}

/** One instance's own figures, from its last heartbeat. */
export interface FleetInstanceFigures {
  /** Requests its backends answered since it started (handle calls included). */
  requests: number;
  /** Of those, the ones that failed: errors, timeouts, lost replicas, rejections (503). */
  failed: number;
  /** Requests in its replicas now. */
  inFlight: number;
  /** Requests waiting in its backends' queues now. */
  queued: number;
  /**
   * Its autoscaled backends' load now, by backend name (unset when it runs none): what the fleet's
   * decider sums to scale them. Included in the totals above.
   */
  backends?: Record<string, FleetBackendLoad>;
}

/** One autoscaled backend's load on one instance, in {@link FleetInstanceFigures}. */
export interface FleetBackendLoad {
  /** Requests waiting in its queue on that instance. */
  queued: number;
  /** Its requests in replicas, from that instance. */
  inFlight: number;
  /** True when that instance runs its replicas on its own site (placement `local` or `both`). */
  local: boolean;
  /** Names of the replica hosts that instance runs its replicas on (shared by every instance). */
  hosts: string[];
}

/** One instance of the app in the fleet, from its heartbeat. */
export interface FleetInstanceStatus {
  id: string;
  name: string;
  /** The revision of the desired state it applied last. */
  revision: number;
  /** When its last heartbeat was stored, in ms since the epoch. */
  lastSeen: number;
  startedAt: number;
  /** Heard from within 3 heartbeat periods. */
  live: boolean;
  /** This instance. */
  self: boolean;
  /** The last change it could not apply in full. */
  error?: string;
  /** Its own figures (unset until its first heartbeat with them). */
  figures?: FleetInstanceFigures;
}

/** Whatever can give a {@link ServeStatus} (`ServeService` does). */
export interface ServeStatusSource {
  /** The status now. */
  status(): ServeStatus;
}
