import type { ServeRequest } from '../interfaces/serve-request.interface';
import { ServeError } from '../serve.errors';
import { messages, streamMessages } from '../serve.messages';
import { HandleStreamForwarder } from './handle-stream.forwarder';
import { CoalescingChannel } from './message.channel';
import { PendingCall } from './pending.call';
import { CallMessage } from './call.message';
import type { ToReplica, FromReplica, WireOutcome } from './replica.protocol';
import type { ReplicaKind } from '../interfaces/backend-config.interface';
import {
  LOCAL_HOST,
  type Replica,
  type ReplicaEvents,
  type ReplicaTransport,
  type StreamOpened,
} from './replica.interface';
import { decodeRemoteError, failure } from './result.codec';
import type { PongVitals } from '../signals/vitals.sampler';

interface Waiter {
  resolve(value?: PongVitals): void;
  reject(err: Error): void;
}

/** A {@link Replica} that speaks the replica protocol over any {@link ReplicaTransport}. */
export class ChannelReplica implements Replica {
  readonly ready: Promise<void>;
  private readonly channel: CoalescingChannel<ToReplica>;
  private readonly calls = new Map<number, PendingCall>();
  /** Streams this replica's handle calls read, by handle call id. */
  private readonly handleStreams: HandleStreamForwarder;
  private readonly controls = new Map<number, Waiter>();
  private nextId = 1;
  private readyWaiter!: Waiter;
  private gone?: Error;
  private stopping = false;
  private exitWaiters: (() => void)[] = [];

  constructor(
    readonly id: string,
    readonly kind: ReplicaKind,
    private readonly transport: ReplicaTransport,
    private readonly events: ReplicaEvents,
    readonly host: string = LOCAL_HOST,
  ) {
    this.ready = new Promise<void>((resolve, reject) => (this.readyWaiter = { resolve: () => resolve(), reject }));
    this.ready.catch(() => undefined);
    this.channel = new CoalescingChannel<ToReplica>(
      (batch) => transport.post(batch),
      (message, error) => this.unsendable(message, error),
    );
    this.handleStreams = new HandleStreamForwarder(this.channel, events, () => this.gone !== undefined);
    transport.onMessage((batch) => {
      for (const message of batch as FromReplica[]) this.receive(message);
    });
    transport.onExit((reason, undelivered) => this.exited(reason, undelivered as ToReplica[] | undefined));
  }

  call(method: string, request: ServeRequest, done: (outcome: WireOutcome) => void, opened?: StreamOpened): () => void {
    if (this.gone) {
      done(failure(new ServeError('REPLICA_UNAVAILABLE', messages.replicaDied(this.id, this.gone.message))));
      return () => undefined;
    }
    const id = this.nextId++;
    this.calls.set(id, new PendingCall(done, opened));
    this.channel.send(new CallMessage(id, method, request));
    return this.cancelCall.bind(this, id);
  }

  /** The caller is gone: the call ends now (its slot is free) and the replica aborts it. */
  private cancelCall(id: number): void {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    if (!this.gone) this.channel.send({ t: 'cancel', id });
    call.done(failure(new ServeError('CANCELLED', streamMessages.requestCancelled(this.id))));
  }

  reconfigure(userConfig: unknown): Promise<void> {
    return this.control((id) => ({ t: 'reconfigure', id, c: userConfig }));
  }

  ping(): Promise<PongVitals | undefined> {
    return this.control<PongVitals | undefined>((id) => ({ t: 'ping', id }));
  }

  setBatching(maxBatchSize: number, waitMs: number, maxConcurrentQueries?: number): void {
    const max = maxConcurrentQueries === undefined ? {} : { max: maxConcurrentQueries };
    if (!this.gone) this.channel.send({ t: 'batching', size: maxBatchSize, waitMs, ...max });
  }

  unloadModels(ids: string[]): void {
    if (!this.gone) this.channel.send({ t: 'unload-models', ids });
  }

  stop(timeoutMs: number): Promise<void> {
    if (this.gone) return Promise.resolve();
    this.stopping = true;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    this.channel.send({ t: 'stop' });
    this.channel.flush();
    const timer = setTimeout(() => this.transport.kill(), timeoutMs);
    return exited.finally(() => clearTimeout(timer));
  }

  kill(reason: Error): void {
    if (this.gone) return;
    this.killReason = reason;
    this.transport.kill();
  }

  private killReason?: Error;

  private control<T = void>(message: (id: number) => ToReplica): Promise<T> {
    if (this.gone)
      return Promise.reject(new ServeError('REPLICA_UNAVAILABLE', messages.replicaDied(this.id, this.gone.message)));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.controls.set(id, { resolve: resolve as Waiter['resolve'], reject });
      this.channel.send(message(id));
    });
  }

  private settleControl(id: number, error?: Error, vitals?: PongVitals): void {
    const waiter = this.controls.get(id);
    if (!waiter) return;
    this.controls.delete(id);
    if (error) waiter.reject(error);
    else waiter.resolve(vitals);
  }

  private receive(message: FromReplica): void {
    switch (message.t) {
      case 'result': {
        const call = this.calls.get(message.id);
        if (call) {
          this.calls.delete(message.id);
          call.done(message.o);
        }
        return;
      }
      case 'stream': {
        const call = this.calls.get(message.id);
        const id = message.id;
        if (call?.opened)
          call.push = call.opened(message.s, message.h, {
            grant: (n) => this.gone || this.channel.send({ t: 'credit', id, n }),
            cancel: () => this.cancelCall(id),
          });
        return;
      }
      case 'chunk':
        return this.calls.get(message.id)?.push?.(message.c);
      case 'handle-credit':
        return this.handleStreams.credit(message.id, message.n);
      case 'handle-cancel':
        return this.handleStreams.cancel(message.id);
      case 'ready':
        return this.readyWaiter.resolve();
      case 'init-failed': {
        const cause = decodeRemoteError(message.e);
        this.readyWaiter.reject(
          new ServeError('STARTUP_FAILED', messages.replicaStartFailed(this.id, message.e.message), { cause }),
        );
        return;
      }
      case 'reconfigured':
        return this.settleControl(message.id, message.e ? new Error(message.e.message) : undefined);
      case 'pong':
        return this.settleControl(message.id, undefined, message.v);
      case 'models':
        return this.events.models?.(this, message.mx);
      case 'handle-call':
        if (message.stream)
          return this.handleStreams.open(message.id, message.endpoint, message.payload, message.options);
        return this.handleStreams.call(message.id, message.endpoint, message.payload, message.options);
    }
  }

  private unsendable(message: ToReplica, error: unknown): void {
    const why = String((error as Error)?.message ?? error);
    if (message.t === 'credit' || message.t === 'cancel' || message.t === 'handle-stream') return;
    if (message.t === 'handle-chunk')
      return this.handleStreams.cancel(message.id, new Error(messages.notSendable('The chunk', this.id, why)));
    if (message.t === 'call') {
      const done = this.calls.get(message.id)?.done;
      this.calls.delete(message.id);
      const tooLarge = (error as Error)?.name === 'PayloadTooLargeError';
      const reason = tooLarge
        ? new ServeError('PAYLOAD_TOO_LARGE', messages.requestTooLarge(this.id, why))
        : new ServeError('BAD_REQUEST', messages.notSendable('The request', this.id, why));
      done?.(failure(reason));
    } else if (message.t === 'handle-result') {
      this.channel.send({
        t: 'handle-result',
        id: message.id,
        o: failure(new Error(messages.notSendable('The handle result', this.id, why))),
      });
    } else if ('id' in message) {
      this.settleControl(message.id, new ServeError('INVALID_CONFIG', messages.notSendable('The value', this.id, why)));
    }
  }

  private exited(reason: Error, undelivered: ToReplica[] = []): void {
    if (this.gone) return;
    this.gone = this.killReason ?? reason;
    const unsent = this.channel.takeUnsent();
    // The owner hears of the exit first, so that no request is routed here while the calls fail.
    if (!this.stopping) this.events.exited(this, this.gone);
    // The cause carries the bare reason, which the pool logs under its own prefix; no stack, as this one's frames are the host's.
    const cause = Object.assign(new Error(this.gone.message), { stack: undefined });
    const startFailed = messages.replicaStartFailed(this.id, this.gone.message);
    this.readyWaiter.reject(new ServeError('STARTUP_FAILED', startFailed, { cause }));
    // Calls that never reached the replica did not start: they may run elsewhere.
    const notStarted = failure(
      new ServeError('REPLICA_UNAVAILABLE', messages.replicaDied(this.id, this.gone.message)),
      true,
    );
    for (const message of [...undelivered, ...unsent]) {
      if (message.t !== 'call') continue;
      const call = this.calls.get(message.id);
      this.calls.delete(message.id);
      call?.done(notStarted);
    }
    const died = failure(new ServeError('REPLICA_UNAVAILABLE', messages.replicaDied(this.id, this.gone.message)));
    const inFlight = [...this.calls.values()];
    this.calls.clear();
    for (const call of inFlight) call.done(died);
    this.handleStreams.closeAll();
    for (const id of [...this.controls.keys()])
      this.settleControl(id, new ServeError('REPLICA_UNAVAILABLE', messages.replicaDied(this.id, this.gone.message)));
    for (const resolve of this.exitWaiters) resolve();
  }
}
