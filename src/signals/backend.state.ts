import type { BackendState, ReplicaState } from '../interfaces/serve-status.interface';
import { signalMessages as m } from '../serve.messages';

/** What the replica pool knows about a backend, from which its state follows. */
export interface BackendFacts {
  /** The backend's name (for the reason). */
  backend: string;
  /** Replicas it should have. */
  targetReplicas: number;
  /** States of the replicas it has now. */
  replicas: readonly ReplicaState[];
  /** What is being done to it: nothing, a change of config being rolled out, or a scaling. */
  operation: 'none' | 'updating' | 'scaling';
  /** Whether any of its replicas has been ready since it was created. */
  everReady: boolean;
  /** The last replica that failed to start, if its replacement has not started since. */
  lastStartFailure?: { replica: string; reason: string };
  /** The last replica that died, if it has not been replaced by a ready one since. */
  lastDeath?: { replica: string; reason: string };
}

/** A backend's state, why, and since when. */
export interface BackendStateChange {
  /** The state. */
  state: BackendState;
  /** Why, in a sentence naming the backend. */
  reason: string;
  /** Since when (ms since the epoch): the time of the last change of state. */
  since: number;
}

/**
 * The state of a backend and the reason, from facts alone. Order matters: a backend that cannot
 * start a replica is `DEPLOY_FAILED` whatever else is going on, one that lost replicas it had is
 * `UNHEALTHY` before it is scaling, and a config rollout shows as `UPDATING`.
 */
export function deriveBackendState(facts: BackendFacts): { state: BackendState; reason: string } {
  const { backend, targetReplicas } = facts;
  const ready = facts.replicas.filter((s) => s === 'READY').length;
  const starting = facts.replicas.filter((s) => s === 'STARTING').length;
  const live = facts.replicas.filter((s) => s !== 'STOPPING').length;
  const failure = facts.lastStartFailure;

  if (ready === 0 && targetReplicas > 0 && failure) {
    return { state: 'DEPLOY_FAILED', reason: m.deployFailed(backend, failure.replica, failure.reason) };
  }
  if (!facts.everReady && targetReplicas > 0) {
    return { state: 'UPDATING', reason: m.starting(backend, ready, targetReplicas) };
  }
  if (ready < targetReplicas && facts.operation !== 'scaling') {
    const cause = facts.lastDeath
      ? m.replicaDiedCause(facts.lastDeath.replica, facts.lastDeath.reason)
      : failure
        ? m.replicaStartFailedCause(failure.replica, failure.reason)
        : '';
    return { state: 'UNHEALTHY', reason: m.unhealthy(backend, ready, targetReplicas, cause, starting) };
  }
  if (facts.operation === 'updating') return { state: 'UPDATING', reason: m.updating(backend) };
  if (ready < targetReplicas) return { state: 'UPSCALING', reason: m.upscaling(backend, targetReplicas, ready) };
  if (facts.replicas.length > targetReplicas) {
    return { state: 'DOWNSCALING', reason: m.downscaling(backend, targetReplicas, live) };
  }
  return {
    state: 'HEALTHY',
    reason: targetReplicas === 0 ? m.noReplicasWanted(backend) : m.healthy(backend, targetReplicas),
  };
}

/**
 * The next {@link BackendStateChange}: the derived state, and `since` kept from `previous` while the
 * state stays the same (the reason may be refreshed meanwhile).
 */
export function nextBackendState(
  previous: BackendStateChange | undefined,
  facts: BackendFacts,
  nowMs: number,
): BackendStateChange {
  const { state, reason } = deriveBackendState(facts);
  return { state, reason, since: previous && previous.state === state ? previous.since : nowMs };
}
