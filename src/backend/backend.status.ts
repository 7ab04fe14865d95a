import type {
  ReplicaKind,
  ReplicaPlacementOption,
  ResolvedBackendConfig,
} from '../interfaces/backend-config.interface';
import type { BackendDefinition } from './backend.definition';
import type { ReplicaEntry, SiteState } from './replica.lifecycle';

/**
 * State of one replica: `starting` until constructed and caught up with the config, `ready` while
 * it takes requests, `reconfiguring` during its turn of a rolling `userConfig` update (it takes
 * no new request), `draining` while it finishes its requests before stopping, `stopped` once gone.
 */
export type ReplicaState = 'starting' | 'ready' | 'reconfiguring' | 'draining' | 'stopped';

/**
 * State of a backend: `running` while a replica is ready, `restarting` while none is but one is
 * starting or due to, `unavailable` when none is and none will be (e.g. no replica host has joined
 * yet), `stopped` once deleted or shut down.
 */
export type BackendState = 'running' | 'restarting' | 'unavailable' | 'stopped';

/** Requests of a backend by how they ended, since it started. */
export type RequestCounts = {
  /** The handler returned a value. */
  succeeded: number;
  /** The handler threw (its HTTP errors included), or the call was refused by the replica. */
  failed: number;
  /** No answer within `requestTimeoutMs` (504). */
  timedOut: number;
  /** Refused before reaching a replica: saturated, no replica, or shutting down (503). */
  rejected: number;
  /** In flight in a replica that died (503). */
  replicaLost: number;
  /** The caller went away (client disconnected, handle caller aborted) before the answer. */
  cancelled: number;
};

/** Counts of a backend that has answered nothing yet. */
export function noRequests(): RequestCounts {
  return { succeeded: 0, failed: 0, timedOut: 0, rejected: 0, replicaLost: 0, cancelled: 0 };
}

/** One replica, as {@link BackendStatus.replicas} lists it. */
export type ReplicaStatus = {
  /** e.g. `sentiment#2`. */
  id: string;
  /** Where it runs: `local` (this app), or the name of its replica host. */
  host: string;
  /** Thread or process. */
  replica: ReplicaKind;
  /** See {@link ReplicaState}. */
  state: ReplicaState;
  /** Requests sent to it and not answered yet. */
  inFlight: number;
  /** Requests it answered. */
  served: number;
};

/**
 * One backend, as `ServeService.listBackends()` shows it: its current config and its state. A type
 * (not an interface) so that it stays assignable to `Record<string, unknown>`.
 */
export type BackendStatus = ResolvedBackendConfig & {
  /**
   * The code version every replica runs: `sha256:` and the first 8 hex digits of the hash of the
   * backend's module file when the backend was created, e.g. `sha256:1a2b3c4d`.
   */
  codeVersion: string;
  /** Thread or process replicas. */
  replica: ReplicaKind;
  /** Where replicas run: `local`, `remote` or `both`. */
  placement: ReplicaPlacementOption;
  /** See {@link BackendState}. */
  status: BackendState;
  /** Requests waiting in the backend's queue. */
  queued: number;
  /** Requests in flight in its replicas. */
  inFlight: number;
  /** Requests by how they ended. */
  requests: RequestCounts;
  /** Replacement replicas started after a crash or a failed start. */
  restarts: number;
  /**
   * Calls a full shared replica (on a replica host, used by several app instances) refused
   * without running them; each was sent to another replica or queued, and counted once it ended.
   */
  refused: number;
  /** Failed starts in a row on the worst site; 0 once a replica ran stably. */
  consecutiveFailures: number;
  /** Why the last replica died or failed to start. */
  lastError: string | undefined;
  /** Sites replicas start on: `local` and the replica hosts that joined. */
  hosts: string[];
  /** Every replica, starting ones included. */
  replicas: ReplicaStatus[];
};

/** A backend's load now, read each fleet heartbeat: the counts of {@link BackendStatus} and its sites. */
export type BackendLoad = Pick<BackendStatus, 'requests' | 'queued' | 'inFlight' | 'hosts'> & {
  /** True while `autoscaling` is set. */
  autoscaled: boolean;
};

/** What {@link describeBackend} reads of a deployment. */
export interface BackendFacts {
  config: ResolvedBackendConfig;
  definition: Pick<BackendDefinition, 'kind' | 'placement'>;
  codeVersion: string;
  stopped: boolean;
  running: readonly ReplicaEntry[];
  starting: readonly ReplicaEntry[];
  sites: readonly SiteState[];
  queued: number;
  inFlight: number;
  requests: RequestCounts;
  restarts: number;
  refused: number;
  lastError?: string;
}

/** A backend's config and state as `listBackends()` shows them. */
export function describeBackend(facts: BackendFacts): BackendStatus {
  const { sites } = facts;
  return {
    ...facts.config,
    codeVersion: facts.codeVersion,
    replica: facts.definition.kind,
    placement: facts.definition.placement,
    status: facts.stopped
      ? 'stopped'
      : facts.running.some((e) => e.state === 'ready')
        ? 'running'
        : sites.some((s) => s.starting.size > 0 || s.timer)
          ? 'restarting'
          : 'unavailable',
    queued: facts.queued,
    inFlight: facts.inFlight,
    requests: facts.requests,
    restarts: facts.restarts,
    refused: facts.refused,
    consecutiveFailures: Math.max(0, ...sites.map((s) => s.failures)),
    lastError: facts.lastError,
    hosts: sites.map((s) => s.site.name),
    replicas: [...facts.running, ...facts.starting].map((e) => ({
      id: e.id,
      host: e.site.site.name,
      replica: e.replica.kind,
      state: e.state,
      inFlight: e.inFlight,
      served: e.served,
    })),
  };
}
