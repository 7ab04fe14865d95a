import type { Logger } from '@nestjs/common';
import type {
  BackendStatus as ServeBackendStatus,
  ReplicaState as ServeReplicaState,
  ReplicaStatus as ServeReplicaStatus,
} from '../interfaces/serve-status.interface';
import { signalMessages as m } from '../serve.messages';
import type { BackendRecorder } from '../signals/backend.recorder';
import { nextBackendState, type BackendFacts, type BackendStateChange } from '../signals/backend.state';
import type { EventLog } from '../signals/event.log';
import type { ReplicaEntry } from './replica.lifecycle';

/** Events shown per backend in its status. */
const EVENTS_PER_BACKEND = 20;

/** What one backend's status is made of, besides what {@link BackendSignals} itself knows. */
export interface StatusInputs {
  /** Replicas up (ready, reconfiguring, draining). */
  running: readonly ReplicaEntry[];
  /** Replicas starting. */
  starting: readonly ReplicaEntry[];
  /** Replicas wanted on each site, times the sites. */
  targetReplicas: number;
  /** The backend's `cpusPerReplica`. */
  cpusPerReplica: number;
  queued: number;
  inFlight: number;
  /** Calls full shared replicas refused. */
  refused: number;
  /** A replica whose last pong is older than this is shown `UNHEALTHY`. */
  lateAfterMs: number;
  /** The short code version its replicas run. */
  codeVersion: string;
}

/**
 * The signals of one backend: its recorder (requests, restarts, last error), its events in the
 * app's {@link EventLog} with a Logger line each, the facts its state follows from (last start
 * failure, last death, operation under way), and its typed status.
 */
export class BackendSignals {
  /** What is being done to the backend now. */
  operation: BackendFacts['operation'] = 'none';
  private everReady = false;
  private lastStartFailure?: { replica: string; reason: string };
  private lastDeath?: { replica: string; reason: string };
  private state?: BackendStateChange;
  /** Replicas that died and are not replaced yet, oldest first, by site id. */
  private readonly toReplace = new Map<string, { replica: string; reason: string }[]>();

  constructor(
    private readonly backend: string,
    /** Counts the backend's requests (the router calls it once per request). */
    readonly recorder: BackendRecorder,
    private readonly events: EventLog,
    private readonly logger: Logger,
  ) {}

  /** A replica became ready: `replica-started`, and `replica-restarted` when it replaces one that died. */
  replicaStarted(entry: ReplicaEntry): void {
    const site = entry.site.site;
    const kind = entry.replica.kind;
    this.everReady = true;
    this.lastStartFailure = undefined;
    const started = m.eventReplicaStarted(entry.id, kind, site.name);
    this.events.record({
      type: 'replica-started',
      backend: this.backend,
      replica: entry.id,
      site: site.name,
      kind,
      message: started,
    });
    this.logger.log(`Backend '${this.backend}': ${started}`);
    const dead = this.toReplace.get(site.id)?.shift();
    if (dead === undefined) return;
    const message = m.eventReplicaRestarted(entry.id, dead.replica);
    this.events.record({
      type: 'replica-restarted',
      backend: this.backend,
      replica: entry.id,
      replaces: dead.replica,
      message,
    });
    this.logger.log(`Backend '${this.backend}': ${message}`);
    this.recorder.restarted(m.eventReplicaDied(dead.replica, dead.reason));
    if (this.lastDeath?.replica === dead.replica) this.lastDeath = undefined;
  }

  /**
   * Replica `replica` failed to start (the pool retries it). `stack` is the error's stack in the
   * replica, if it sent one: logged, so that its frames name the backend's own file and line.
   */
  replicaStartFailed(replica: string, reason: string, stack?: string): void {
    this.lastStartFailure = { replica, reason };
    const message = m.eventReplicaStartFailed(replica, reason);
    this.events.record({ type: 'replica-start-failed', backend: this.backend, replica, reason, message });
    this.recorder.failed(message);
    if (stack) this.logger.error(`Backend '${this.backend}': ${message}`, stack);
    else this.logger.error(`Backend '${this.backend}': ${message}`);
  }

  /** A replica went away unasked (the replacement scheduler logs it); the next one started on its site replaces it. */
  replicaDied(entry: ReplicaEntry, reason: string): void {
    this.lastDeath = { replica: entry.id, reason };
    const message = m.eventReplicaDied(entry.id, reason);
    this.events.record({ type: 'replica-died', backend: this.backend, replica: entry.id, reason, message });
    this.recorder.failed(message);
    const queue = this.toReplace.get(entry.site.site.id) ?? [];
    queue.push({ replica: entry.id, reason });
    this.toReplace.set(entry.site.site.id, queue);
  }

  /** A replica was stopped on purpose. */
  replicaStopped(entry: ReplicaEntry): void {
    const message = m.eventReplicaStopped(entry.id);
    this.events.record({ type: 'replica-stopped', backend: this.backend, replica: entry.id, message });
    this.logger.log(`Backend '${this.backend}': ${message}`);
  }

  /** A config change reached every replica. */
  configRolledOut(changed: string[]): void {
    if (changed.length === 0) return;
    const message = m.eventConfigRolledOut(this.backend, changed);
    this.events.record({ type: 'config-rolled-out', backend: this.backend, changed, message });
    this.logger.log(message);
  }

  /** The replica count wanted changed. */
  scaled(from: number, to: number, cause: 'config' | 'autoscaling' = 'config'): void {
    if (from === to) return;
    const message = m.eventScaled(this.backend, from, to, cause);
    this.events.record({ type: 'scaled', backend: this.backend, from, to, cause, message });
    this.logger.log(message);
  }

  /** Runs `change` as `operation` (its state shows `UPDATING` or the scaling meanwhile). */
  async during<T>(operation: BackendFacts['operation'], change: () => Promise<T>): Promise<T> {
    this.operation = operation;
    try {
      return await change();
    } finally {
      this.operation = 'none';
    }
  }

  /** The backend's typed status now. */
  status(inputs: StatusInputs, nowMs = Date.now()): ServeBackendStatus {
    const replicas: ServeReplicaStatus[] = [...inputs.running, ...inputs.starting]
      .filter((e) => e.state !== 'stopped')
      .map((e) => ({
        id: e.id,
        state: replicaState(e, nowMs, inputs.lateAfterMs),
        site: e.site.site.name,
        kind: e.replica.kind,
        inFlight: e.inFlight,
        served: e.served,
        vitals: e.vitals ?? null,
      }));
    this.state = nextBackendState(
      this.state,
      {
        backend: this.backend,
        targetReplicas: inputs.targetReplicas,
        replicas: replicas.map((r) => r.state),
        operation: this.operation,
        everReady: this.everReady,
        lastStartFailure: this.lastStartFailure,
        lastDeath: this.lastDeath,
      },
      nowMs,
    );
    const figures = this.recorder.loadFigures();
    return {
      name: this.backend,
      state: this.state.state,
      reason: this.state.reason,
      since: this.state.since,
      codeVersion: inputs.codeVersion,
      version: inputs.codeVersion,
      targetReplicas: inputs.targetReplicas,
      cpusPerReplica: inputs.cpusPerReplica,
      replicas,
      figures: {
        requestsPerSecond: figures.requestsPerSecond,
        p50Ms: figures.p50Ms,
        p99Ms: figures.p99Ms,
        errorRate: figures.errorRate,
        requests: figures.requests,
        cancelled: figures.cancelled,
        windowSeconds: this.recorder.windowSeconds,
        queued: inputs.queued,
        inFlight: inputs.inFlight,
        restarts: this.recorder.restarts,
        refused: inputs.refused,
        lastError: this.recorder.lastError,
      },
      events: this.events.recent(EVENTS_PER_BACKEND, this.backend),
    };
  }
}

function replicaState(entry: ReplicaEntry, nowMs: number, lateAfterMs: number): ServeReplicaState {
  switch (entry.state) {
    case 'starting':
      return 'STARTING';
    case 'draining':
      return 'STOPPING';
    default:
      return nowMs - entry.lastPong > lateAfterMs ? 'UNHEALTHY' : 'READY';
  }
}
