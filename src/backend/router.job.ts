import type { ServeRequest } from '../interfaces/serve-request.interface';
import type { CallerSignal } from '../interfaces/caller-signal.interface';
import type { ChunkInbox } from '../replicas/chunk.inbox';
import type { CallResult } from '../replicas/result.codec';
import type { WireOutcome } from '../replicas/replica.protocol';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';

/** Which endpoint a request came through, for the recorder; a shadow copy is counted apart. */
export interface SubmitRoute {
  /** The endpoint's name. */
  readonly endpoint: string;
  /** True for a shadow copy of a request. */
  readonly shadow?: boolean;
}

/** The route of a request that came through no endpoint (tests, internal calls). */
export const NO_ROUTE: SubmitRoute = { endpoint: '' };

/**
 * One request on its way through a backend's router, from submit to settle. A class, not an object
 * literal: V8 may pretenure a literal's allocation site (allocate it straight in the old generation),
 * and then everything young a job points to survived young collections (measured: ~3 MB promoted
 * per collection under load, about 40 % of the host thread's busy time in GC).
 */
export class RouterJob {
  /** `requestTimeoutMs` when it was submitted (set while it waits for its deadline). */
  timeoutMs: number | undefined = undefined;
  settled = false;
  queued = false;
  /** Taken off the queue (timed out, caller gone): the queue skips it. */
  cancelled = false;
  retries = 0;
  /** `performance.now()` at submit, and when a replica took it (0 until then). */
  readonly arrivedAt = performance.now();
  startedAt = 0;
  /** `performance.now()` when it was answered: a stream's head (the stream is counted when it closes). */
  answeredAt = 0;
  onAbort: (() => void) | undefined = undefined;
  /** Cancels the call in its replica (set while it is there). */
  cancel: (() => void) | undefined = undefined;
  /** The chunks of a call that streams. */
  inbox: ChunkInbox | undefined = undefined;

  constructor(
    readonly method: string,
    readonly request: ServeRequest,
    readonly done: (result: CallResult) => void,
    readonly route: SubmitRoute,
    readonly signal: CallerSignal | undefined,
  ) {}

  /** The request is over: a caller's signal used for many calls keeps no listener of it. */
  release(): void {
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.onAbort = undefined;
  }
}

/** True when `job`'s call never reached a replica (it may run elsewhere) and it has been tried fewer than `maxRetries` times. */
export function mayRetry(job: RouterJob, outcome: WireOutcome, maxRetries: number): boolean {
  return !outcome.ok && outcome.e.notStarted === true && !job.settled && job.retries < maxRetries;
}

/** A call that never reached a replica (its replica host had gone) is tried again on another, this often at most. */
export const MAX_NOT_STARTED_RETRIES = 3;

/** The 503 of a request the router no longer takes (the app is shutting down). */
export function shutDown(): ServeError {
  return new ServeError('SHUT_DOWN', messages.shutDown());
}
