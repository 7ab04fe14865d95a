import type { ServeRequest } from '../interfaces/serve-request.interface';
import type { CallerSignal } from '../interfaces/caller-signal.interface';
import type { WireOutcome } from '../replicas/replica.protocol';
import { decodeOutcome, type CallResult } from '../replicas/result.codec';
import { RequestQueue } from '../router/request.queue';
import { RETRY_AFTER_SECONDS } from '../serve.constants';
import { ShadowDrain } from './shadow.drain';
import { DeadlineTimer } from './deadline.timer';
import { ServeError } from '../serve.errors';
import { deployMessages, messages, observingMessages, streamMessages } from '../serve.messages';
import { ServeStream } from '../replicas/serve.stream';
import type { StreamOpened } from '../replicas/replica.interface';
import { noRequests, type RequestCounts } from './backend.status';
import type { ReplicaEntry } from './replica.lifecycle';
import { NO_ROUTE, RouterJob, shutDown, type SubmitRoute } from './router.job';
export { MAX_NOT_STARTED_RETRIES } from './router.job';
import type { RouterOptions } from './router.options';
import { recordSettled } from './request.classifier';
import { openCallStream } from './call.stream';
import { CallRetry } from './call.retry';

/**
 * The request path of one backend: admits a request or answers 503 with `Retry-After`, sends it
 * to the least loaded replica or queues it (FIFO, bounded), retries calls that never reached a
 * replica, answers 504 at `requestTimeoutMs`, and settles every request exactly once, counting
 * it by outcome in {@link settle} (a stream once it closes: cancelled if its reader left first).
 */
export class BackendRouter {
  private readonly queue = new RequestQueue<RouterJob>();
  private readonly counts: RequestCounts = noRequests();
  private draining = false;
  private closed = false;
  private readonly shadows = new ShadowDrain();
  private readonly deadlines: DeadlineTimer<RouterJob>;
  /** Takes back calls that never ran (and counts the refusals of full shared replicas). */
  readonly retries = new CallRetry(() => this.capacityChanged());

  constructor(private readonly options: RouterOptions) {
    this.deadlines = new DeadlineTimer((job) => this.timeout(job), options.clock);
  }

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
    signal?: CallerSignal,
  ): void {
    const job = new RouterJob(method, request, done, route, signal);
    const { scheduler, name } = this.options;
    if (this.closed || (this.draining && !internal)) return this.reject(job, shutDown());
    if (signal) {
      if (signal.aborted) return this.abort(job);
      job.onAbort = this.abort.bind(this, job);
      signal.addEventListener('abort', job.onAbort, { once: true });
    }
    const slot = this.queue.size === 0 || scheduler.mayPass > 0 ? scheduler.pick(request.modelId) : undefined;
    if (!slot && !this.options.hasCapacity()) return this.reject(job, this.options.noCapacityError());
    const config = this.options.config();
    if (!slot && this.queue.size >= config.maxQueuedRequests) {
      const message = scheduler.all.length
        ? messages.backendOverloaded(name, this.queue.size)
        : messages.noReplicas(name);
      return this.reject(job, new ServeError('OVERLOADED', message, { retryAfterSeconds: RETRY_AFTER_SECONDS }));
    }
    const timeoutMs = config.requestTimeoutMs;
    job.timeoutMs = timeoutMs;
    this.deadlines.add(job, timeoutMs);
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
      if (result.ok && ServeStream.is(result.value)) void result.value.drain();
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
    const primaries = scheduler.inFlight - this.shadows.running;
    return (this.queue.size === 0 && primaries === 0 && this.shadows.pending === 0) || scheduler.all.length === 0;
  }

  /**
   * Capacity changed (a replica became ready, finished a request, left, or no replica is left nor
   * coming): sends queued requests to replicas with room (passing at most `scheduler.mayPass` that
   * must wait), or answers them 503 when none will.
   */
  capacityChanged(): void {
    if (this.queue.size > 0 && !this.options.hasCapacity()) {
      for (const job of this.queue.drain()) this.reject(job, this.options.noCapacityError());
    }
    this.queue.offer(this.placeQueued, this.options.scheduler.mayPass);
  }

  /** Sends queued `job` if a replica can take it now (one function for the router's life: no closure per call). */
  private readonly placeQueued = (job: RouterJob): boolean => {
    const slot = this.options.scheduler.pick(job.request.modelId);
    if (!slot) return false;
    job.queued = false;
    this.send(slot, job);
    return true;
  };

  /** Takes only internal calls from now on, and drops the queued shadow copies (they are nobody's answer). */
  beginDrain(): void {
    if (this.draining) return;
    this.draining = true;
    this.shadows.begin();
    const dropped = this.queue.drain().filter((job) => {
      if (job.route.shadow) this.reject(job, shutDown());
      else this.queue.push(job);
      return job.route.shadow;
    }).length;
    if (dropped > 0) this.options.logger.log(deployMessages.shadowsDropped(this.options.name, dropped));
  }

  /** Takes nothing more and answers the queued requests 503. */
  close(): void {
    this.closed = true;
    this.retries.close();
    for (const job of this.queue.drain()) this.reject(job, shutDown());
  }

  // Bound methods, not arrow functions: fresh closures kept by per-request objects made V8 keep ~2 MB
  // through each young-generation GC under load (see RouterJob).
  private send(slot: ReplicaEntry, job: RouterJob): void {
    slot.inFlight++;
    if (job.route.shadow) this.shadows.started();
    job.startedAt = performance.now();
    job.cancel = slot.replica.call(
      job.method,
      job.request,
      this.answered.bind(this, slot, job),
      this.streamOpened.bind(this, job),
    );
  }

  /** A replica answered `job`, or could not take it. */
  private answered(slot: ReplicaEntry, job: RouterJob, outcome: WireOutcome): void {
    job.cancel = undefined;
    slot.inFlight--;
    this.options.scheduler.finished(slot, job.request.modelId, outcome.mx);
    if (job.route.shadow) this.shadows.ended();
    if (!this.closed && this.retries.takesBack(slot, job, outcome)) this.queue.unshift(job);
    else {
      slot.served++;
      this.complete(job, outcome, slot);
      job.release();
    }
    if (slot.inFlight === 0 && slot.idle) slot.idle();
    this.capacityChanged();
  }

  /** `job`'s handler streams: it settles now with a stream its chunks go into, and is counted when that closes. */
  private streamOpened(job: RouterJob, ...opened: Parameters<StreamOpened>): ReturnType<StreamOpened> {
    const count = recordSettled.bind(undefined, this.counts, this.options.recorder, job);
    const stream = openCallStream(job, this.options.name, this.options.config().streamIdleTimeoutMs, count, ...opened);
    this.settle(job, { ok: true, value: stream }, 'succeeded');
    const inbox = job.inbox!;
    return (chunk) => inbox.push(chunk);
  }

  private complete(job: RouterJob, outcome: WireOutcome, slot: ReplicaEntry): void {
    const result = decodeOutcome(outcome, this.options.name, this.options.exposeErrors);
    job.inbox?.finish(result.ok ? undefined : result.error);
    if (result.ok) return this.settle(job, result, 'succeeded', outcome);
    if (result.error.code === 'HANDLER_FAILED' && !outcome.ok) {
      const { name } = this.options;
      const stack = outcome.e.stack ?? outcome.e.message;
      this.options.logger.error(observingMessages.handlerThrewFor(name, slot.id, job.method, job.request.id, stack));
    }
    // A replica that died is out of the scheduler before its calls fail; other errors are the handler's.
    const lost = slot.state === 'stopped' && result.error.code === 'REPLICA_UNAVAILABLE';
    this.settle(job, result, lost ? 'replicaLost' : 'failed', outcome);
  }

  private timeout(job: RouterJob): void {
    const timeoutMs = job.timeoutMs!;
    if (job.queued) this.queue.cancel(job);
    const error = new ServeError('TIMEOUT', messages.requestTimeout(this.options.name, timeoutMs));
    this.settle(job, { ok: false, error }, 'timedOut');
    job.cancel?.();
  }

  /** The caller went away: a queued request never runs; one in a replica is cancelled there, its slot free at once. */
  private abort(job: RouterJob): void {
    if (job.queued) {
      job.queued = false;
      this.queue.cancel(job);
    }
    const error = new ServeError('CANCELLED', streamMessages.requestCancelled(this.options.name));
    this.settle(job, { ok: false, error }, 'cancelled');
    void job.inbox?.return();
    job.cancel?.();
  }

  private reject(job: RouterJob, error: ServeError): void {
    this.settle(job, { ok: false, error }, 'rejected');
  }

  /** Where every request ends, exactly once, and is counted by outcome; a stream is counted when it closes (openCallStream). */
  private settle(job: RouterJob, result: CallResult, outcome: keyof RequestCounts, wire?: WireOutcome): void {
    if (job.settled) return;
    job.settled = true;
    job.answeredAt = performance.now();
    if (job.timeoutMs !== undefined) this.deadlines.delete(job, job.timeoutMs);
    if (!job.inbox) recordSettled(this.counts, this.options.recorder, job, result, outcome, wire);
    job.done(result);
    if (!job.cancel) job.release();
  }
}
