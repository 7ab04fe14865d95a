import type { RemoteOptions, ServeRequest } from '../interfaces/serve-request.interface';
import type { WireOutcome } from './replica.protocol';

/** Where a replica runs: a thread or a process of this host (remote hosts plug in here later). */
export type ReplicaPlacement = 'thread' | 'process';

/** What a replica tells its owner. */
export interface ReplicaEvents {
  /** The replica is gone without being asked to stop (crash, OOM, kill). */
  exited(replica: Replica, reason: Error): void;
  /** Code in the replica called `getHandle(endpoint).remote(...)`. */
  handleCall(endpoint: string, payload: unknown, options: RemoteOptions): Promise<WireOutcome>;
}

/**
 * One copy of a backend class, wherever it runs. The router sees only this interface, so threads,
 * processes and remote hosts are interchangeable.
 */
export interface Replica {
  /** e.g. `sentiment-v1#2`. */
  readonly id: string;
  /** Where it runs. */
  readonly placement: ReplicaPlacement;
  /** Settles when the instance is constructed and configured, or rejects with the reason it is not. */
  readonly ready: Promise<void>;
  /** Sends a request; `done` is called exactly once, also when the replica dies first. */
  call(method: string, request: ServeRequest, done: (outcome: WireOutcome) => void): void;
  /** Calls `reconfigure(userConfig)` once no request runs in the replica; requests wait meanwhile. */
  reconfigure(userConfig: unknown): Promise<void>;
  /** Changes the batching of `@Batch()` methods. */
  setBatching(maxBatchSize: number, waitMs: number): void;
  /** Resolves when the replica answers, i.e. its event loop is not stuck. */
  ping(): Promise<void>;
  /** Asks the replica to exit; kills it after `timeoutMs`. Resolves once it is gone. */
  stop(timeoutMs: number): Promise<void>;
  /** Kills the replica at once; reported through `exited`. */
  kill(reason: Error): void;
}

/** The raw link to a thread or process: posts message arrays, reports messages and exit. */
export interface ReplicaTransport {
  post(batch: unknown[]): void;
  onMessage(listener: (batch: unknown[]) => void): void;
  /** Called once when the thread or process is gone, with why. */
  onExit(listener: (reason: Error) => void): void;
  /** Ends the thread or process now. */
  kill(): void;
}
