import type { ServeErrorCode } from '../serve.errors';
import type { RemoteOptions, ServeRequest } from '../interfaces/serve-request.interface';
import type { PongVitals } from '../signals/vitals.sampler';
import type { ModelReport } from '../router/model.report';

/** Everything a replica needs to build its backend instance. */
export interface ReplicaInit {
  replicaId: string;
  backend: string;
  modulePath: string;
  exportName: string;
  className: string;
  /** The code version (`sha256:…` of the module file) the backend is pinned to; the replica refuses another. */
  codeVersion: string;
  initArgs: unknown[];
  hasUserConfig: boolean;
  userConfig: unknown;
  maxBatchSize: number;
  batchWaitTimeoutMs: number;
  /** Nice value for the replica's thread (Linux); 0 leaves it alone. */
  nice: number;
  /** The backend's `cpusPerReplica`, read in the replica as `replicaContext().cpus`. */
  cpus: number;
}

/** A handler's result on the wire: a plain value, or the fields of a `ServeResponse`. */
export type WireValue = { v: unknown } | { r: { status: number; headers: Record<string, string>; body: unknown } };

/** An error on the wire. `code` is set for nestjs-serve's own failures, `status` for HTTP errors. */
export interface WireError {
  message: string;
  name?: string;
  stack?: string;
  code?: ServeErrorCode;
  status?: number;
  body?: unknown;
  /** The call never reached a replica, so it may run on another. */
  notStarted?: boolean;
  /**
   * A shared replica was full (`maxConcurrentQueries` calls running, some from other apps) and
   * refused the call at once without running it: the router sends it elsewhere or queues it.
   */
  refused?: boolean;
}

/**
 * The outcome of a call, on the wire. `mx`: a multiplexed backend's replica says what happened to
 * its models since its previous result.
 */
export type WireOutcome = ({ ok: true; v: WireValue } | { ok: false; e: WireError }) & { mx?: ModelReport };

/** App → replica. Messages travel in arrays, one array per event-loop turn. */
export type ToReplica =
  | { t: 'init'; init: ReplicaInit }
  | { t: 'call'; id: number; m: string; r: ServeRequest }
  | { t: 'reconfigure'; id: number; c: unknown }
  /** Batching settings; `max` is the backend's `maxConcurrentQueries`, which replica hosts admit (replicas ignore it). */
  | { t: 'batching'; size: number; waitMs: number; max?: number }
  | { t: 'ping'; id: number }
  | { t: 'handle-result'; id: number; o: WireOutcome }
  | { t: 'stop' }
  /** Unload these models unless a request uses them (extra copies that cooled); a `models` report follows. */
  | { t: 'unload-models'; ids: string[] }
  /** The app read `n` more chunks of stream `id`: the replica may send `n` more. */
  | { t: 'credit'; id: number; n: number }
  /** The caller of call `id` went away or it timed out: abort its signal, close its generator. */
  | { t: 'cancel'; id: number }
  /** The handle stream `id` the replica asked for began: status and headers, chunks follow. */
  | { t: 'handle-stream'; id: number; s: number; h: Record<string, string> }
  /** One chunk of handle stream `id`; its end is the `handle-result`. */
  | { t: 'handle-chunk'; id: number; c: unknown };

/** Replica → app. */
export type FromReplica =
  | { t: 'ready' }
  | { t: 'init-failed'; e: WireError }
  | { t: 'result'; id: number; o: WireOutcome }
  | { t: 'reconfigured'; id: number; e?: WireError }
  | { t: 'pong'; id: number; v?: PongVitals }
  | { t: 'handle-call'; id: number; endpoint: string; payload: unknown; options: RemoteOptions; stream?: boolean }
  /** Call `id` streams: status and headers, sent with its first chunk; its end is the `result`. */
  | { t: 'stream'; id: number; s: number; h: Record<string, string> }
  /** One chunk of call `id`'s stream. */
  | { t: 'chunk'; id: number; c: unknown }
  /** The replica read `n` more chunks of handle stream `id`. */
  | { t: 'handle-credit'; id: number; n: number }
  /** Code in the replica stopped reading handle stream `id`. */
  | { t: 'handle-cancel'; id: number }
  /** A multiplexed backend's replica loaded a model: what it holds now (before the request that loaded it answers). */
  | { t: 'models'; mx: ModelReport };

/**
 * Chunks of one stream that may be in flight unread; the reader grants more as it reads (half a
 * window at a time), so a slow reader pauses the producer and a fast one never waits for a grant.
 */
export const STREAM_WINDOW = 256;
