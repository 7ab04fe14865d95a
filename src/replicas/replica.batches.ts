import { BatchCollector } from '../router/batch.collector';
import { messages } from '../serve.messages';
import type { ReplicaInit, ToReplica, WireOutcome } from './replica.protocol';
import { encodeResult, failure } from './result.codec';

type CallMessage = Extract<ToReplica, { t: 'call' }>;

/** What {@link ReplicaBatches} needs from the replica runtime. */
export interface BatchRunner {
  /** The instance's method `name` (throws when it cannot be called). */
  method(name: string): (request: unknown) => unknown;
  /** The backend instance. */
  instance(): unknown;
  /** Call `id` ended with `outcome`. */
  finish(id: number, outcome: WireOutcome): void;
  /** A batch of `size` requests ran (for the vitals). */
  batched(size: number): void;
}

/**
 * The `@Batch()` methods of one replica: collects their calls, runs one batch per method at a time
 * (full, or when `batchWaitTimeoutMs` is up) and answers each call with its item of the result.
 */
export class ReplicaBatches {
  private readonly collectors = new Map<string, BatchCollector<CallMessage>>();
  private readonly batchTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly init: ReplicaInit,
    private readonly deps: BatchRunner,
  ) {}

  /** Queues a call of a `@Batch()` method; {@link pump} runs it. */
  add(message: CallMessage): void {
    this.collector(message.m).add(message, Date.now());
  }

  /** New batching settings; returns the methods to pump. */
  resize(size: number, waitMs: number): string[] {
    this.init.maxBatchSize = size;
    this.init.batchWaitTimeoutMs = waitMs;
    for (const collector of this.collectors.values()) {
      collector.maxBatchSize = size;
      collector.waitMs = waitMs;
    }
    return [...this.collectors.keys()];
  }

  private collector(method: string): BatchCollector<CallMessage> {
    let collector = this.collectors.get(method);
    if (!collector) {
      collector = new BatchCollector<CallMessage>(this.init.maxBatchSize, this.init.batchWaitTimeoutMs);
      this.collectors.set(method, collector);
    }
    return collector;
  }

  /** Runs the next batch of `method` if it is due, or sets a timer for when it will be. */
  pump(method: string): void {
    const collector = this.collector(method);
    const action = collector.next(Date.now());
    if (!action.run) {
      if (action.waitMs !== undefined && !this.batchTimers.has(method)) {
        this.batchTimers.set(
          method,
          setTimeout(() => {
            this.batchTimers.delete(method);
            this.pump(method);
          }, action.waitMs),
        );
      }
      return;
    }
    clearTimeout(this.batchTimers.get(method));
    this.batchTimers.delete(method);
    void this.runBatch(method, collector, collector.take());
  }

  private async runBatch(method: string, collector: BatchCollector<CallMessage>, batch: CallMessage[]): Promise<void> {
    this.deps.batched(batch.length);
    try {
      const call = Promise.resolve(
        this.deps.method(method).call(
          this.deps.instance(),
          batch.map((m) => m.r),
        ),
      );
      const results = await Promise.race([call, everyCallerGone(batch)]);
      if (results === GONE) {
        // The method may never settle; its callers have their answers, and the next batch must not wait for it.
        call.catch(() => undefined);
        const err = new Error(messages.batchAbandoned(this.init.backend, method, batch.length));
        for (const m of batch) this.deps.finish(m.id, failure(err));
      } else if (!Array.isArray(results) || results.length !== batch.length) {
        const got = Array.isArray(results) ? `an array of ${results.length}` : typeof results;
        const err = new Error(messages.batchLength(this.init.backend, method, got, batch.length));
        for (const m of batch) this.deps.finish(m.id, failure(err));
      } else {
        // Every item is read before any finishes: reading one may throw (a Proxy), failing them all once.
        const outcomes = batch.map((_, i) => encodeResult(results[i], this.init.backend, method));
        batch.forEach((m, i) => this.deps.finish(m.id, outcomes[i]));
      }
    } catch (err) {
      for (const m of batch) this.deps.finish(m.id, failure(err));
    }
    collector.done();
    this.pump(method);
  }
}

const GONE = Symbol('every caller gone');

/** Resolves once every call of `batch` was cancelled (timed out, or its client left); never for a batch of calls without a signal. */
function everyCallerGone(batch: CallMessage[]): Promise<typeof GONE> {
  return new Promise((resolve) => {
    let left = batch.length;
    const leave = () => {
      if (--left === 0) resolve(GONE);
    };
    for (const { r } of batch) {
      const signal = (r as { signal?: AbortSignal } | undefined)?.signal;
      if (!signal) return;
      if (signal.aborted) leave();
      else signal.addEventListener('abort', leave, { once: true });
    }
  });
}
