import type { ReplicaKind } from './backend-config.interface';
import type { ResolvedAutoscalingConfig } from './autoscaling-config.interface';
import type { RolloutProgress } from './rollout-options.interface';
import type { ServeEvent } from './serve-event.interface';
import type { ModelsStatus } from './model-status.interface';
import type { FleetAutoscalingLoad, FleetStatus } from './fleet-status.interface';

export type * from './serve-event.interface';
export type * from './model-status.interface';
export type * from './fleet-status.interface';

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

/** Whatever can give a {@link ServeStatus} (`ServeService` does). */
export interface ServeStatusSource {
  /** The status now. */
  status(): ServeStatus;
}
