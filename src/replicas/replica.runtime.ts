import { ReplicaBatches } from './replica.batches';
import { RESERVED_METHODS, getBatchMethods, getMultiplexing } from '../decorators/backend.metadata';
import { ReplicaModels } from './replica.models';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { streamMessages } from '../messages/stream.messages';
import { ReplicaStreams } from './replica.streams';
import { CoalescingChannel } from './message.channel';
import { loadBackendClass } from './module.loader';
import type { ToReplica, ReplicaInit, FromReplica, WireOutcome } from './replica.protocol';
import { setReplicaHandleProvider } from './replica.context';
import { ReplicaHandles } from './replica.handles';
import { encodeError, failure, notSendableError } from './result.codec';
import { startFailure, type StartStep } from './start.failure';
import { VitalsSampler } from '../signals/vitals.sampler';
import { AsyncLocalStorage } from 'node:async_hooks';
import { isThenable } from '../utils/object.util';

type CallMessage = Extract<ToReplica, { t: 'call' }>;

/** Longest a finished result waits for the results of later synchronous calls of the same turn. */
const MAX_RESULT_DELAY_MS = 1;
type Instance = Record<string, unknown>;

/**
 * Runs inside a replica (thread or process): builds the backend instance, runs requests,
 * batches `@Batch()` calls, and never lets a request run while `reconfigure` does.
 */
export class ReplicaRuntime {
  private instance!: Instance;
  private batchMethods = new Set<string>();
  private readonly batches: ReplicaBatches;
  private readonly out: CoalescingChannel<FromReplica>;
  private readonly handles: ReplicaHandles;
  private readonly streams: ReplicaStreams;
  private readonly vitals = new VitalsSampler();
  /** The id of the request whose handler runs: handle calls made from it carry it on. */
  private readonly requestId = new AsyncLocalStorage<string>();
  private inFlight = 0;
  private reconfiguring = false;
  private held: ToReplica[] = [];
  private idleWaiter?: () => void;
  private reconfigureChain: Promise<void> = Promise.resolve();
  /** A multiplexed backend's models. */
  private models?: ReplicaModels;
  private ready = false;

  constructor(
    post: (batch: FromReplica[]) => void,
    private readonly init: ReplicaInit,
  ) {
    this.out = new CoalescingChannel<FromReplica>(
      (batch) => post(this.streams.unbroken(batch)),
      (message, error) => {
        if (message.t === 'handle-call') return this.handles.unsendable(message.id, error);
        if (message.t !== 'chunk' && message.t !== 'result') return;
        const e = notSendableError(init.backend, message.t, error);
        if (message.t === 'chunk') return this.streams.chunkUnsendable(message.id, e);
        this.out.send({ t: 'result', id: message.id, o: { ok: false, e } });
      },
    );
    this.handles = new ReplicaHandles(this.out, init.backend, init.replicaId, () => this.requestId.getStore());
    this.batches = new ReplicaBatches(init, {
      method: (name) => this.method(name),
      instance: () => this.instance,
      finish: (id, outcome) => this.finish(id, outcome),
      batched: (size) => this.vitals.batch(size),
    });
    this.streams = new ReplicaStreams(
      this.out,
      init.backend,
      (id, outcome) => this.finish(id, outcome),
      () => this.out.flushIfOlderThan(MAX_RESULT_DELAY_MS),
    );
  }

  /** Loads and constructs the backend, applies the initial userConfig, then reports ready. */
  async start(): Promise<void> {
    const { init } = this;
    setReplicaHandleProvider({ getHandle: (endpoint) => this.handles.handle(endpoint) });
    let step: StartStep | undefined;
    try {
      const cls = loadBackendClass(init);
      this.batchMethods = new Set(getBatchMethods(cls));
      step = 'the constructor';
      this.instance = new cls(...init.initArgs);
      step = undefined;
      const multiplexing = getMultiplexing(cls);
      if (multiplexing)
        this.models = new ReplicaModels(this.instance, multiplexing, init.backend, init.replicaId, () =>
          this.modelsChanged(),
        );
      if (init.hasUserConfig && typeof this.instance.reconfigure === 'function') {
        step = 'reconfigure(userConfig)';
        await (this.instance.reconfigure as (c: unknown) => unknown)(init.userConfig);
        step = undefined;
      }
      await this.models?.preload();
      this.out.send({ t: 'ready' });
      this.ready = true;
    } catch (err) {
      this.out.send({ t: 'init-failed', e: encodeError(startFailure(step, err)) });
    }
    this.out.flush();
  }

  /** Handles one array of messages from the app (`prepared`: a call whose model is loaded, to run now). */
  receive(batch: ToReplica[], prepared?: CallMessage): void {
    const touched = new Set<string>();
    if (prepared) this.dispatch(prepared, touched);
    for (const message of batch) this.receiveOne(message, touched);
    for (const method of touched) this.batches.pump(method);
  }

  private receiveOne(message: ToReplica, touched: Set<string>): void {
    switch (message.t) {
      case 'call':
        if (this.reconfiguring) this.held.push(message);
        else this.run(message, touched);
        return;
      case 'reconfigure':
        this.reconfigureChain = this.reconfigureChain.then(() => this.reconfigure(message.id, message.c));
        return;
      case 'batching':
        for (const method of this.batches.resize(message.size, message.waitMs)) touched.add(method);
        return;
      case 'ping':
        this.out.send({ t: 'pong', id: message.id, v: this.vitals.sample() });
        return;
      case 'handle-result':
      case 'handle-stream':
      case 'handle-chunk':
        return this.handles.receive(message);
      case 'credit':
        return this.streams.credit(message.id, message.n);
      case 'cancel':
        return this.streams.cancel(message.id);
      case 'unload-models':
        if (!this.models) return;
        this.models.unload(message.ids);
        return this.modelsChanged();
      case 'stop':
        void (this.models?.close() ?? Promise.resolve()).finally(() => {
          this.out.flush();
          process.exit(0);
        });
        return;
      case 'init':
        return;
    }
  }

  private run(message: CallMessage, touched: Set<string>): void {
    this.inFlight++;
    this.streams.begin(message.id, message.r);
    if (!this.models) return this.dispatch(message, touched);
    // A multiplexed backend: the request's model is loaded (or taken from the cache) first.
    // A caller that left while its model loaded is not served: the handler would run for nobody.
    this.models.prepare(message.id, message.r).then(
      () =>
        this.streams.cancelled(message.id)
          ? this.finish(
              message.id,
              failure(new ServeError('CANCELLED', streamMessages.requestCancelled(this.init.backend))),
            )
          : this.receive([], message),
      (err) => {
        this.finish(message.id, failure(err));
        this.out.flushIfOlderThan(MAX_RESULT_DELAY_MS);
      },
    );
  }

  /** After the replica is ready (preloads ride on its first result), the app hears of each load and unload at once: requests waiting for a load may go on. */
  private modelsChanged(): void {
    if (!this.ready) return;
    this.out.send({ t: 'models', mx: this.models!.report() });
    this.out.flushIfOlderThan(MAX_RESULT_DELAY_MS);
  }

  private dispatch(message: CallMessage, touched: Set<string>): void {
    if (this.batchMethods.has(message.m)) {
      this.batches.add(message);
      touched.add(message.m);
      return;
    }
    let result: unknown;
    try {
      const method = this.method(message.m);
      result = this.requestId.run(message.r.id, () => method.call(this.instance, message.r));
    } catch (err) {
      this.finish(message.id, failure(err));
      this.out.flushIfOlderThan(MAX_RESULT_DELAY_MS);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (value) => this.streams.answer(message.id, value, message.m),
        (err) => this.finish(message.id, failure(err)),
      );
    } else {
      this.streams.answer(message.id, result, message.m);
      this.out.flushIfOlderThan(MAX_RESULT_DELAY_MS);
    }
  }

  private method(name: string): (request: unknown) => unknown {
    const fn = this.instance[name];
    if (typeof fn !== 'function' || RESERVED_METHODS.has(name)) {
      throw new ServeError('BAD_REQUEST', messages.unknownMethod(this.init.backend, name, []));
    }
    return fn as (request: unknown) => unknown;
  }

  private finish(id: number, outcome: WireOutcome): void {
    this.inFlight--;
    this.models?.finished(id);
    const sent = this.streams.end(id, outcome);
    if (sent && this.models) sent.mx = this.models.report();
    if (sent) this.out.send({ t: 'result', id, o: sent });
    if (this.inFlight === 0 && this.idleWaiter) {
      const wake = this.idleWaiter;
      this.idleWaiter = undefined;
      wake();
    }
  }

  private async reconfigure(id: number, userConfig: unknown): Promise<void> {
    this.reconfiguring = true;
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idleWaiter = resolve));
    try {
      if (typeof this.instance.reconfigure === 'function') {
        await (this.instance.reconfigure as (c: unknown) => unknown)(userConfig);
      }
      this.out.send({ t: 'reconfigured', id });
    } catch (err) {
      this.out.send({ t: 'reconfigured', id, e: encodeError(err) });
    }
    this.reconfiguring = false;
    const held = this.held;
    this.held = [];
    this.receive(held);
  }
}
