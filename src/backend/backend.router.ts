import type { Logger } from '@nestjs/common';
import type { ResolvedBackendConfig } from '../interfaces/backend-config.interface';
import type { ServeRequest } from '../interfaces/serve-request.interface';
import type { WireOutcome } from '../replicas/replica.protocol';
import { decodeOutcome, type CallResult } from '../replicas/result.codec';
import type { ReplicaScheduler } from '../router/replica.scheduler';
import { RequestQueue } from '../router/request.queue';
import { RETRY_AFTER_SECONDS, SHADOW_DRAIN_TIMEOUT_MS } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { deployMessages, messages, observingMessages, streamMessages } from '../serve.messages';
import type { BackendRecorder } from '../signals/backend.recorder';
import { ServeStream } from '../replicas/serve.stream';
import { ChunkInbox } from '../replicas/chunk.inbox';
import type { StreamOpened } from '../replicas/replica.interface';
import { noRequests, type RequestCounts } from './backend.status';
import type { ReplicaEntry } from './replica.lifecycle';
import { classifyRequest } from './request.classifier';

/** A call that never reached a replica (its replica host had gone) is tried again on another, this often at most. */
export const MAX_NOT_STARTED_RETRIES = 3;

/** What the router of one backend needs from the rest of it. */
export interface RouterOptions {
  /** Backend name, for messages. */
  readonly name: string;
  /** The backend's replicas that take requests, shared with the pool that adds and removes them. */
  readonly scheduler: ReplicaScheduler<ReplicaEntry>;
  /** The backend's current config (limits are read per request). */
  config(): ResolvedBackendConfig;
  /** True while a replica serves or may soon: one is up, starting, or due to restart. */
  hasCapacity(): boolean;
  /** The 503 for a request no replica can take now or soon. */
  noCapacityError(): ServeError;
  /** Put a handler's message and stack in its 500 body (module option `exposeErrors`). */
  readonly exposeErrors: boolean;
  /** Where a handler's uncaught error is logged. */
  readonly logger: Logger;
  /** Counts every request once, when it settles (by endpoint, code and outcome, with its latencies). */
  readonly recorder?: BackendRecorder;
  /** Called when a request had to wait in the queue (an autoscaler at zero replicas starts one). */
  queued?(): void;
}

/** Which endpoint a request came through, for the recorder; a shadow copy is counted apart. */
export interface SubmitRoute {
  /** The endpoint's name. */
  readonly endpoint: string;
  /** True for a shadow copy of a request. */
  readonly shadow?: boolean;
}

const NO_ROUTE: SubmitRoute = { endpoint: '' };

interface Job {
  method: string;
  request: ServeRequest;
  done: (result: CallResult) => void;
  timer?: NodeJS.Timeout;
  cancelled?: boolean;
  settled?: boolean;
  queued?: boolean;
  retries?: number;
  route: SubmitRoute;
  /** `performance.now()` at submit, and when a replica took it (0 until then). */
  arrivedAt: number;
  startedAt: number;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** Cancels the call in its replica (set while it is there). */
  cancel?: () => void;
  /** The chunks of a call that streams. */
  inbox?: ChunkInbox;
}

/**
 * The request path of one backend: admits a request or answers 503 with `Retry-After`, sends it
 * to the least loaded replica or queues it (FIFO, bounded), retries calls that never reached a
 * replica, answers 504 at `requestTimeoutMs`, and settles every request exactly once, counting
 * it by outcome in {@link settle}.
 */
export class BackendRouter {
  private readonly queue = new RequestQueue<Job>();
  private readonly counts: RequestCounts = noRequests();
  private draining = false;
  private closed = false;
  private drainStartedAt = 0;
  private shadowsInFlight = 0;

  constructor(private readonly options: RouterOptions) {}

  /**
   * Sends a request to the least loaded replica, or queues it; `done` is called exactly once.
   * While draining, only `internal` calls (a replica's handle calls, part of a request already
   * accepted) are still taken.
   */
  submit(
    method: string,
    request: ServeRequest,
    done: (result: CallResult) => void,
    internal = false,
    route: SubmitRoute = NO_ROUTE,
    signal?: AbortSignal,
  ): void {
    const job: Job = { method, request, done, route, arrivedAt: performance.now(), startedAt: 0, signal };
    const { scheduler, name } = this.options;
    if (this.closed || (this.draining && !internal)) return this.reject(job, shutDown());
    if (signal?.aborted) return this.abort(job);
    job.onAbort = () => this.abort(job);
    signal?.addEventListener('abort', job.onAbort, { once: true });
    const slot = this.queue.size === 0 ? scheduler.pick() : undefined;
    if (!slot && !this.options.hasCapacity()) return this.reject(job, this.options.noCapacityError());
    const config = this.options.config();
    if (!slot && this.queue.size >= config.maxQueuedRequests) {
      const message = scheduler.all.length
        ? messages.backendOverloaded(name, this.queue.size)
        : messages.noReplicas(name);
      return this.reject(job, new ServeError('OVERLOADED', message, { retryAfterSeconds: RETRY_AFTER_SECONDS }));
    }
    const timeoutMs = config.requestTimeoutMs;
    job.timer = setTimeout(() => this.timeout(job, timeoutMs), timeoutMs);
    if (slot) this.send(slot, job);
    else {
      job.queued = true;
      this.queue.push(job);
      this.options.queued?.();
    }
  }

  /**
   * Sends a shadow copy of a request of `endpoint`: served like any other request but answered to
   * nobody (a stream is read to its end, so the shadow runs as the primary does), so a drain drops
   * it while queued and waits for it in flight only {@link SHADOW_DRAIN_TIMEOUT_MS}; it is counted
   * apart from the real traffic. The primary's caller going away does not cancel it.
   */
  submitShadow(method: string, request: ServeRequest, endpoint = ''): void {
    const done = (result: CallResult) => {
      if (result.ok && ServeStream.is(result.value)) void drain(result.value);
    };
    this.submit(method, request, done, false, { endpoint, shadow: true });
  }

  /** Requests waiting in the queue. */
  get queued(): number {
    return this.queue.size;
  }

  /** Requests in flight in the replicas. */
  get inFlight(): number {
    return this.options.scheduler.inFlight;
  }

  /** A copy of the counts by outcome. */
  get requestCounts(): RequestCounts {
    return { ...this.counts };
  }

  /**
   * True when nothing is queued or in flight (or no replica is left to finish anything). Shadow
   * copies in flight count only for {@link SHADOW_DRAIN_TIMEOUT_MS} after the drain began.
   */
  get idle(): boolean {
    const { scheduler } = this.options;
    const shadowsDone =
      this.shadowsInFlight === 0 || (this.draining && Date.now() - this.drainStartedAt >= SHADOW_DRAIN_TIMEOUT_MS);
    return (
      (this.queue.size === 0 && scheduler.inFlight - this.shadowsInFlight === 0 && shadowsDone) ||
      scheduler.all.length === 0
    );
  }

  /**
   * Capacity changed (a replica became ready, finished a request, left, or no replica is left
   * nor coming): sends queued requests to replicas with room, or answers them 503 when none will.
   */
  capacityChanged(): void {
    if (this.queue.size > 0 && !this.options.hasCapacity()) {
      for (const job of this.queue.drain()) this.reject(job, this.options.noCapacityError());
    }
    while (this.queue.size > 0) {
      const slot = this.options.scheduler.pick();
      if (!slot) return;
      const job = this.queue.shift()!;
      job.queued = false;
      this.send(slot, job);
    }
  }

  /** Takes only internal calls from now on, and drops the queued shadow copies (they are nobody's answer). */
  beginDrain(): void {
    if (this.draining) return;
    this.draining = true;
    this.drainStartedAt = Date.now();
    const kept: Job[] = [];
    let dropped = 0;
    for (const job of this.queue.drain()) {
      if (!job.route.shadow) {
        kept.push(job);
        continue;
      }
      dropped++;
      job.queued = false;
      this.reject(job, shutDown());
    }
    for (const job of kept) this.queue.push(job);
    if (dropped > 0) this.options.logger.log(deployMessages.shadowsDropped(this.options.name, dropped));
  }

  /** Takes nothing more and answers the queued requests 503. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.drain()) this.reject(job, shutDown());
  }

  private send(slot: ReplicaEntry, job: Job): void {
    slot.inFlight++;
    if (job.route.shadow) this.shadowsInFlight++;
    job.startedAt = performance.now();
    const opened: StreamOpened = (status, headers, link) => {
      const idleMs = this.options.config().streamIdleTimeoutMs;
      const idle = () => new ServeError('TIMEOUT', streamMessages.streamIdle(this.options.name, idleMs));
      const inbox = (job.inbox = new ChunkInbox(link, idleMs, idle));
      this.settle(job, { ok: true, value: new ServeStream(status, headers, inbox) }, 'succeeded');
      return (chunk) => inbox.push(chunk);
    };
    job.cancel = slot.replica.call(
      job.method,
      job.request,
      (outcome) => {
        job.cancel = undefined;
        slot.inFlight--;
        if (job.route.shadow) this.shadowsInFlight--;
        if (
          !outcome.ok &&
          outcome.e.notStarted &&
          !job.settled &&
          !this.closed &&
          (job.retries ?? 0) < MAX_NOT_STARTED_RETRIES
        ) {
          job.retries = (job.retries ?? 0) + 1;
          job.queued = true;
          this.queue.unshift(job);
        } else {
          slot.served++;
          this.complete(job, outcome, slot);
          this.release(job);
        }
        if (slot.inFlight === 0 && slot.idle) slot.idle();
        this.capacityChanged();
      },
      opened,
    );
  }

  private complete(job: Job, outcome: WireOutcome, slot: ReplicaEntry): void {
    const result = decodeOutcome(outcome, this.options.name, this.options.exposeErrors);
    job.inbox?.finish(result.ok ? undefined : result.error);
    if (result.ok) return this.settle(job, result, 'succeeded', outcome);
    if (result.error.code === 'HANDLER_FAILED' && !outcome.ok) {
      const stack = outcome.e.stack ?? outcome.e.message;
      this.options.logger.error(
        observingMessages.handlerThrewFor(this.options.name, slot.id, job.method, job.request.id, stack),
      );
    }
    // A replica that died is out of the scheduler before its calls fail; other errors are the handler's.
    const lost = slot.state === 'stopped' && result.error.code === 'REPLICA_UNAVAILABLE';
    this.settle(job, result, lost ? 'replicaLost' : 'failed', outcome);
  }

  private timeout(job: Job, timeoutMs: number): void {
    if (job.queued) this.queue.cancel(job);
    const error = new ServeError('TIMEOUT', messages.requestTimeout(this.options.name, timeoutMs));
    this.settle(job, { ok: false, error }, 'timedOut');
    job.cancel?.();
  }

  /** The caller went away: a queued request never runs; one in a replica is cancelled there, its slot free at once. */
  private abort(job: Job): void {
    if (job.queued) {
      job.queued = false;
      this.queue.cancel(job);
    }
    const error = new ServeError('CANCELLED', streamMessages.requestCancelled(this.options.name));
    this.settle(job, { ok: false, error }, 'cancelled');
    void job.inbox?.return();
    job.cancel?.();
  }

  private reject(job: Job, error: ServeError): void {
    this.settle(job, { ok: false, error }, 'rejected');
  }

  /** Where every request ends, exactly once: the one place requests are counted by outcome. */
  private settle(job: Job, result: CallResult, outcome: keyof RequestCounts, wire?: WireOutcome): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    this.counts[outcome]++;
    this.record(job, result, outcome, wire);
    job.done(result);
    if (!job.cancel) this.release(job);
  }

  /** Counts the request in the signals: endpoint, status code, outcome, queue wait and processing time. */
  private record(job: Job, result: CallResult, outcome: keyof RequestCounts, wire?: WireOutcome): void {
    const recorder = this.options.recorder;
    if (!recorder) return;
    const now = performance.now();
    const { code, outcome: how } = classifyRequest(outcome, result, wire);
    const queueMs = (job.startedAt || now) - job.arrivedAt;
    const processingMs = job.startedAt ? now - job.startedAt : 0;
    const { endpoint, shadow } = job.route;
    if (shadow) recorder.shadowSettled(endpoint, code, how, queueMs, processingMs);
    else recorder.settled(endpoint, code, how, queueMs, processingMs, result.ok ? undefined : result.error.message);
  }

  /** The request is over: a caller's signal used for many calls keeps no listener of it. */
  private release(job: Job): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    job.onAbort = undefined;
  }
}

function shutDown(): ServeError {
  return new ServeError('SHUT_DOWN', messages.shutDown());
}

/** Reads a shadow copy's stream to its end: its failures are counted by its backend and answer nobody. */
async function drain(stream: ServeStream): Promise<void> {
  try {
    for await (const chunk of stream) void chunk;
  } catch {
    // nobody waits for a shadow's answer
  }
}
