import type { ReplicaKind, ReplicaResourceLimits } from '../interfaces/backend-config.interface';
import type { RemoteOptions, ServeRequest } from '../interfaces/serve-request.interface';
import type { ServeStream } from './serve.stream';
import type { InboxLink } from './chunk.inbox';
import type { ReplicaInit, WireOutcome } from './replica.protocol';
import type { PongVitals } from '../signals/vitals.sampler';
import type { ModelReport } from '../router/model.report';

/**
 * The call streams: its status and headers came with its first chunk. Returns where its chunks
 * go; `link` grants credits and cancels. The stream's end is the call's `done`.
 */
export type StreamOpened = (
  status: number,
  headers: Record<string, string>,
  link: InboxLink,
) => (chunk: unknown) => void;

/** `host` of a replica that runs in this app. */
export const LOCAL_HOST = 'local';

/** How to start one replica. */
export interface ReplicaSpec {
  kind: ReplicaKind;
  init: ReplicaInit;
  env?: Record<string, string>;
  resourceLimits?: ReplicaResourceLimits;
  /** The backend's `maxConcurrentQueries`, enforced by replica hosts at the replica itself. */
  maxConcurrentQueries?: number;
}

/** What a replica tells its owner. */
export interface ReplicaEvents {
  /** A multiplexed backend's replica loaded a model: what it holds now, and its counts since its last report. */
  models?(replica: Replica, report: ModelReport): void;
  /** The replica is gone without being asked to stop (crash, OOM, kill). */
  exited(replica: Replica, reason: Error): void;
  /** Code in the replica called `getHandle(endpoint).remote(...)`. */
  handleCall(
    endpoint: string,
    payload: unknown,
    options: RemoteOptions & { signal?: AbortSignal },
  ): Promise<WireOutcome>;
  /**
   * Code in the replica called `getHandle(endpoint).stream(...)`: the answer's stream, or the
   * outcome of an answer that does not stream. `signal` aborts when the replica stops reading.
   */
  handleStream(
    endpoint: string,
    payload: unknown,
    options: RemoteOptions & { signal: AbortSignal },
  ): Promise<WireOutcome | ServeStream>;
}

/**
 * One copy of a backend class, wherever it runs. The router sees only this interface, so threads,
 * processes and replica hosts are interchangeable.
 */
export interface Replica {
  /** e.g. `sentiment-v1#2`. */
  readonly id: string;
  /** How it runs: a thread or a process (of this app, or of a replica host). */
  readonly kind: ReplicaKind;
  /** Where it runs: {@link LOCAL_HOST}, or the name of the replica host. */
  readonly host: string;
  /** Settles when the instance is constructed and configured, or rejects with the reason it is not. */
  readonly ready: Promise<void>;
  /**
   * Sends a request; `done` is called exactly once, also when the replica dies first, and for a
   * stream at its end. Returns a function that cancels the call: `done` is called at once with a
   * cancelled outcome, and the replica aborts the handler's signal.
   */
  call(method: string, request: ServeRequest, done: (outcome: WireOutcome) => void, opened?: StreamOpened): () => void;
  /** Calls `reconfigure(userConfig)` once no request runs in the replica; requests wait meanwhile. */
  reconfigure(userConfig: unknown): Promise<void>;
  /**
   * Changes the batching of `@Batch()` methods, and the `maxConcurrentQueries` a replica host
   * admits to the replica when given.
   */
  setBatching(maxBatchSize: number, waitMs: number, maxConcurrentQueries?: number): void;
  /**
   * Resolves when the replica answers, i.e. its event loop is not stuck, with the memory and
   * event-loop use it reports (absent from replicas of older versions).
   */
  ping(): Promise<PongVitals | undefined>;
  /**
   * Asks a multiplexed replica to unload these models unless a request is using them (copies made
   * for a hot model that cooled); it then reports the models it holds. Ignored by other replicas.
   */
  unloadModels(ids: string[]): void;
  /** Asks the replica to exit; kills it after `timeoutMs`. Resolves once it is gone. */
  stop(timeoutMs: number): Promise<void>;
  /** Kills the replica at once; reported through `exited`. */
  kill(reason: Error): void;
}

/** The raw link to a thread, process or remote replica: posts message arrays, reports messages and exit. */
export interface ReplicaTransport {
  /** Sends messages; throws, before sending any, when the batch cannot be sent as a whole. */
  post(batch: unknown[]): void;
  onMessage(listener: (batch: unknown[]) => void): void;
  /**
   * Called once when the replica is gone, with why. `undelivered` lists messages known never
   * to have reached it (a remote replica's replica host had gone), so their calls can go elsewhere.
   */
  onExit(listener: (reason: Error, undelivered?: unknown[]) => void): void;
  /** Ends the replica now. */
  kill(): void;
}

/** Where a backend starts replicas: this app, or one replica host. */
export interface ReplicaSite {
  /** {@link LOCAL_HOST}, or the replica host's id. */
  readonly id: string;
  /** Shown as a replica's `host`. */
  readonly name: string;
  /** Starts one replica there; await its `ready`. */
  start(spec: ReplicaSpec, events: ReplicaEvents): Replica;
}
