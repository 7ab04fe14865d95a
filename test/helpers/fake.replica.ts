import type { ReplicaKind } from '../../src/interfaces/backend-config.interface';
import type { ServeRequest } from '../../src/interfaces/serve-request.interface';
import type {
  Replica,
  ReplicaEvents,
  ReplicaSite,
  ReplicaSpec,
  StreamOpened,
} from '../../src/replicas/replica.interface';
import type { WireOutcome } from '../../src/replicas/replica.protocol';
import { encodeValue, failure } from '../../src/replicas/result.codec';
import { ServeError } from '../../src/serve.errors';
import type { PongVitals } from '../../src/signals/vitals.sampler';

/** One call a {@link FakeReplica} received. */
export interface FakeCall {
  readonly method: string;
  readonly request: ServeRequest;
  /** Set once answered (by the test, or by the replica dying). */
  outcome?: WireOutcome;
  readonly done: (outcome: WireOutcome) => void;
  /** Opens the call's stream (the router's side), when the router passed one. */
  readonly opened?: StreamOpened;
  /** Set when the router cancelled the call. */
  cancelled?: boolean;
}

/** How a test answers a call: a handler's value, an error it threw, or a raw wire outcome. */
export type FakeOutcome = { value: unknown } | { error: unknown; notStarted?: boolean } | WireOutcome;

/**
 * A {@link Replica} driven by the test: it starts when told ({@link becomeReady} / {@link failStart}),
 * answers calls when told ({@link answer}), dies when told ({@link die}), and records the calls,
 * `reconfigure` configs, batching changes and pings it received. Dying behaves like a real replica:
 * the owner hears `exited` first (unless it asked the replica to stop), then every call in flight
 * answers REPLICA_UNAVAILABLE.
 */
export class FakeReplica implements Replica {
  readonly ready: Promise<void>;
  /** Calls received, answered or not. */
  readonly calls: FakeCall[] = [];
  /** `userConfig`s received by `reconfigure`, in order. */
  readonly configs: unknown[] = [];
  /** `setBatching` arguments received. */
  readonly batching: [number, number][] = [];
  pings = 0;
  /** True once asked to stop. */
  stopped = false;
  /** Why it died, once dead. */
  gone?: Error;
  /** When set, `reconfigure(config)` rejects with what it returns (if anything). */
  reconfigureError?: (config: unknown) => Error | undefined;
  /** When true, `ping()` never answers (a stuck event loop). */
  silent = false;
  private readyWaiter!: { resolve(): void; reject(err: Error): void };

  constructor(
    readonly id: string,
    readonly kind: ReplicaKind,
    readonly host: string,
    readonly spec: ReplicaSpec,
    private readonly events: ReplicaEvents,
  ) {
    this.ready = new Promise<void>((resolve, reject) => (this.readyWaiter = { resolve, reject }));
    this.ready.catch(() => undefined);
  }

  /** Calls not answered yet. */
  get pending(): FakeCall[] {
    return this.calls.filter((c) => !c.outcome);
  }

  /** The instance is constructed: `ready` resolves. */
  becomeReady(): void {
    this.readyWaiter.resolve();
  }

  /** The instance could not be built: `ready` rejects with `err`. */
  failStart(err: Error): void {
    this.readyWaiter.reject(err);
  }

  /** Answers `call` (default: the oldest pending one). */
  answer(call: FakeCall | undefined = this.pending[0], outcome: FakeOutcome = { value: 'ok' }): void {
    if (!call || call.outcome) throw new Error(`${this.id}: no pending call to answer`);
    const wire: WireOutcome =
      'ok' in outcome
        ? outcome
        : 'value' in outcome
          ? { ok: true, v: encodeValue(outcome.value) }
          : failure(outcome.error, outcome.notStarted);
    call.outcome = wire;
    call.done(wire);
  }

  /** The replica dies (crash, OOM, kill): reported through `exited`, its calls fail. */
  die(reason: Error = new Error('crashed')): void {
    if (this.gone) return;
    this.gone = reason;
    if (!this.stopped) this.events.exited(this, reason);
    this.readyWaiter.reject(new ServeError('STARTUP_FAILED', `replica ${this.id} died: ${reason.message}`));
    for (const call of this.pending)
      this.answer(call, { error: new ServeError('REPLICA_UNAVAILABLE', reason.message) });
  }

  call(method: string, request: ServeRequest, done: (outcome: WireOutcome) => void, opened?: StreamOpened): () => void {
    const call: FakeCall = { method, request, done, opened };
    this.calls.push(call);
    if (this.gone) this.answer(call, { error: new ServeError('REPLICA_UNAVAILABLE', this.gone.message) });
    return () => {
      if (call.outcome) return;
      call.cancelled = true;
      this.answer(call, { error: new ServeError('CANCELLED', 'cancelled') });
    };
  }

  async reconfigure(userConfig: unknown): Promise<void> {
    if (this.gone) throw new ServeError('REPLICA_UNAVAILABLE', this.gone.message);
    this.configs.push(userConfig);
    const error = this.reconfigureError?.(userConfig);
    if (error) throw error;
  }

  setBatching(maxBatchSize: number, waitMs: number): void {
    this.batching.push([maxBatchSize, waitMs]);
  }

  unloadModels(): void {
    // A fake holds no models; the unloads a scheduler asks for are tested on ModelScheduler.
  }

  /** What the next pongs report (memory, event-loop use, batch sizes); none by default. */
  vitals?: PongVitals;

  ping(): Promise<PongVitals | undefined> {
    this.pings++;
    return this.silent ? new Promise<undefined>(() => undefined) : Promise.resolve(this.vitals);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.die(new Error('stopped'));
  }

  kill(reason: Error): void {
    this.die(reason);
  }
}

/**
 * A {@link ReplicaSite} that starts {@link FakeReplica}s and keeps them in {@link replicas}, in
 * start order. With `autoReady`, each replica becomes ready on the next microtask.
 */
export class FakeSite implements ReplicaSite {
  /** Every replica started here. */
  readonly replicas: FakeReplica[] = [];

  constructor(
    readonly id = 'local',
    readonly name = id,
    public autoReady = true,
  ) {}

  start(spec: ReplicaSpec, events: ReplicaEvents): Replica {
    const replica = new FakeReplica(spec.init.replicaId, spec.kind, this.name, spec, events);
    this.replicas.push(replica);
    if (this.autoReady) queueMicrotask(() => replica.becomeReady());
    return replica;
  }

  /** Replicas not dead nor stopped. */
  get live(): FakeReplica[] {
    return this.replicas.filter((r) => !r.gone);
  }
}
