import { instanceLabel } from '../fleet/ack.verdict';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { FleetKvStore } from '../cluster/fleet-kv.store';
import { FleetAcks } from '../fleet/fleet.acks';
import type { FleetChange } from '../fleet/fleet.change';
import { seedFleetState } from '../fleet/fleet.seed';
import type { FleetScaleRecord, FleetState, StoredFleetState } from '../fleet/fleet.state';
import type { FleetStore } from '../fleet/fleet.store';
import { FleetWriter } from '../fleet/fleet.writer';
import { RevisionConflict } from '../fleet/revision.conflict';
import type { FleetOptions } from '../interfaces/cluster-options.interface';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import type { FleetStatus } from '../interfaces/serve-status.interface';
import { fleetMessages } from '../messages/fleet.messages';
import { DEFAULT_FLEET_OPTIONS, SERVE_OPTIONS } from '../serve.constants';
import { isServeError } from '../serve.errors';
import { ownEntry, stripUndefined } from '../utils/object.util';
import { ChangeLock } from './change.lock';
import { FleetApplier } from './fleet.applier';
import { FleetFollower } from './fleet.follower';
import { FleetRecords } from './fleet.records';
import { FleetStatusView } from './fleet.status-view';
import type { Declarations } from './serve.declarations';
import { ServeChanges } from './serve.changes';
import { ServeOrchestrator } from './serve.orchestrator';
import { ServeRollouts } from './serve.rollouts';
import { ServeRegistry } from './serve.registry';
import { backendLoad, instanceLoad } from './instance.load';
import { FleetDecider } from './fleet.decider';
import { FleetCommitter } from './fleet.committer';

/**
 * This instance in the fleet: joins the shared desired state at start-up (seeding it with the
 * forRoot() declarations once), applies every revision other instances write (a watch from the
 * last applied revision, restarted after a reconnect, and a read each heartbeat as a safety net),
 * writes this instance's changes with compare-and-set, and stores a heartbeat with the revision
 * it applied. Without `cluster` (or `cluster.fleet: false`, or a NATS server without JetStream)
 * it stays out of the way: `shared` is false and ServeService changes this instance alone.
 */
@Injectable()
export class ServeFleet {
  /** Backends as the fleet stores them; ServeService records the classes it creates with. */
  readonly records: FleetRecords;
  private readonly logger = new Logger('nestjs-serve');
  private readonly options?: Required<FleetOptions>;
  private readonly name: string;
  private readonly prefix: string;
  private readonly startedAt = Date.now();
  private applier?: FleetApplier;
  private declared?: FleetState;
  private follower?: FleetFollower;
  private committer?: FleetCommitter;
  private acks?: FleetAcks;
  private decider?: FleetDecider;
  private nc?: NatsConnection;
  private opening?: Promise<void>;
  private closed = false;
  private localReason?: string;

  constructor(
    private readonly orchestrator: ServeOrchestrator,
    private readonly changes: ServeChanges,
    private readonly lock: ChangeLock,
    @Inject(SERVE_OPTIONS) options: ServeModuleOptions,
    private readonly rollouts: ServeRollouts,
    private readonly registry: ServeRegistry,
  ) {
    const cluster = options.cluster;
    if (cluster && cluster.fleet !== false)
      this.options = { ...DEFAULT_FLEET_OPTIONS, ...stripUndefined(cluster.fleet ?? {}) };
    this.name = cluster?.name ?? `${hostname()}:${process.pid}`;
    this.prefix = cluster?.prefix ?? 'nestjs-serve';
    this.records = new FleetRecords(() => this.label);
    orchestrator.onConnection((nc, fresh) => this.connected(nc, fresh));
    orchestrator.delegateAutoscaling({ active: () => this.shared, wake: (b) => this.decider?.autoscaling.wake(b) });
  }

  /** The fleet's last autoscaling move of `backend` (who decided it, from what load), while shared. */
  lastScale(backend: string): FleetScaleRecord | undefined {
    return this.shared ? ownEntry(this.applier?.applied.state.autoscaling, backend) : undefined;
  }

  /** True when changes go through the fleet's shared desired state. */
  get shared(): boolean {
    return this.follower !== undefined && !this.closed;
  }

  private get id(): string {
    return this.orchestrator.instanceId ?? 'local';
  }

  private get label(): string {
    return instanceLabel({ id: this.id, name: this.name });
  }

  /**
   * At start-up, once forRoot()'s backends run: waits for NATS (at most `startTimeoutMs`), then
   * seeds and applies the fleet's desired state, so the app serves it before it reports ready.
   * Throws when this instance cannot run it (a backend's code differs, its class is missing).
   */
  async join(declarations: Declarations): Promise<void> {
    if (!this.options) return;
    this.declared = this.records.declared(declarations);
    this.applier = new FleetApplier(this.changes, this.records, () => this.label, this.declared);
    this.acks = new FleetAcks(this.options.heartbeatPeriodMs * 3, this.id);
    this.nc ??= (await this.orchestrator.firstConnection(this.options.startTimeoutMs)) as NatsConnection | undefined;
    if (!this.nc) return this.logger.warn(fleetMessages.startedWithoutNats(this.options.startTimeoutMs));
    await this.open(this.nc, true).catch((err: unknown) => {
      // A backend this instance cannot run fails start-up; a store that does not answer yet does not.
      if (isServeError(err)) throw err;
      this.openInBackground(this.nc!);
    });
  }

  /** Writes `change` to the fleet and applies it here (see {@link FleetCommitter}); the caller holds the ChangeLock. */
  commit(change: FleetChange): Promise<number> {
    return this.committer!.commit(change);
  }

  /** Resolves once every live instance applied `revision` (TIMEOUT naming the lagging ones). */
  awaitApplied(revision: number, what: string): Promise<void> {
    return this.acks!.wait(revision, what, this.options!.applyTimeoutMs);
  }

  /** The fleet as status() shows it; undefined without `cluster`. */
  status(): FleetStatus | undefined {
    if (!this.options) return undefined;
    const applied = this.applier?.applied.revision ?? 0;
    const status = FleetStatusView.compose(this.id, this.shared, this.localReason, applied, this.acks?.list() ?? []);
    const holder = this.shared ? this.decider?.holder : undefined;
    return holder ? { ...status, decider: instanceLabel(holder) } : status;
  }

  /** Leaves the fleet when the app closes: its heartbeat goes, so no change waits for it. */
  async leave(): Promise<void> {
    this.closed = true;
    await this.decider?.stop();
    await this.follower?.stop();
  }

  private connected(connection: object, fresh: boolean): void {
    const nc = connection as NatsConnection;
    this.nc = nc;
    if (!this.applier || this.closed) return;
    if (fresh || !this.follower) return void this.openInBackground(nc);
    this.follower.resume();
  }

  /** Opens the store after start-up; a failure (JetStream still starting) is retried each heartbeat period. */
  private openInBackground(nc: NatsConnection): void {
    void this.open(nc, false).catch((err: Error) => {
      this.logger.warn(fleetMessages.storeUnavailable(err.message));
      const retry = setTimeout(() => {
        if (!this.closed && !this.follower && this.nc === nc && !nc.isClosed()) this.openInBackground(nc);
      }, this.options!.heartbeatPeriodMs);
      retry.unref();
    });
  }

  private open(nc: NatsConnection, strict: boolean): Promise<void> {
    this.opening ??= this.openStore(nc, strict).finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openStore(nc: NatsConnection, strict: boolean): Promise<void> {
    const period = this.options!.heartbeatPeriodMs;
    const leaseTtlMs = Math.max(period * 3, 2000);
    const store = await FleetKvStore.open(nc, this.prefix, Math.max(period * 10, 10_000), period * 5, leaseTtlMs);
    if (!(store instanceof FleetKvStore)) {
      if (this.localReason !== store.message) this.logger.warn(store.message);
      this.localReason = store.message;
      return;
    }
    this.localReason = undefined;
    const self = { id: this.id, name: this.name, startedAt: this.startedAt };
    await this.decider?.stop();
    const decider = (this.decider = this.decide(store, leaseTtlMs));
    const figures = () => {
      const steps = decider.rollouts?.figures() ?? [];
      return { load: instanceLoad(this.registry.backends.values()), ...(steps.length ? { figures: steps } : {}) };
    };
    const follower = new FleetFollower(store, this.applier!, this.acks!, this.lock, this.logger, self, period, figures);
    const target = await this.seed(store);
    await follower.applyAndReport(target, strict);
    await this.follower?.stop();
    this.follower = follower;
    this.committer = new FleetCommitter(new FleetWriter(store), this.applier!, this.logger, () => void follower.beat());
    this.logger.log(fleetMessages.joined(this.label, target.revision, store.bucket));
    await follower.start();
    await decider.start();
  }

  /** This instance as a candidate decider: the lease, and the fleet's rollouts attached to it. */
  private decide(store: FleetKvStore, leaseTtlMs: number): FleetDecider {
    const fleet = {
      applied: () => this.applier!.applied,
      commit: (change: FleetChange) => this.commit(change),
      instances: () => this.acks!.list(),
      load: (backend: string) => backendLoad(this.registry.backends.get(backend)?.load()),
    };
    const self = { id: this.id, name: this.name };
    const decider = new FleetDecider(
      store,
      self,
      leaseTtlMs,
      this.options!.heartbeatPeriodMs,
      fleet,
      this.lock,
      this.logger,
    );
    decider.rollouts = this.rollouts.attach(decider);
    this.applier!.onApplied = () => decider.sync();
    return decider;
  }

  /** The stored desired state with this instance's never-seeded declarations added (compare-and-set). */
  private async seed(store: FleetStore): Promise<StoredFleetState> {
    for (;;) {
      const stored = await store.read();
      const seeded = seedFleetState(stored?.state, this.declared!);
      for (const backend of seeded.differing)
        this.logger.log(fleetMessages.declaredDiffers(backend, stored?.revision ?? 0));
      if (stored && !seeded.added) return stored;
      try {
        const revision = stored ? await store.update(seeded.state, stored.revision) : await store.create(seeded.state);
        return { revision, state: seeded.state };
      } catch (err) {
        if (!(err instanceof RevisionConflict)) throw err;
      }
    }
  }
}
