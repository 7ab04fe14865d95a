/* The fleet's part of `status()`: instances, their figures, the fleet's autoscaling load. */

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
