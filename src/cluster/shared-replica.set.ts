import { serialize } from 'node:v8';
import { availableParallelism } from 'node:os';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { startLocalTransport } from '../replicas/replica.factory';
import type { FromReplica, ToReplica } from '../replicas/replica.protocol';
import { budgetMessages } from '../serve.messages';
import { sharingMessages } from '../messages/sharing.messages';
import { cpuOverrun, hostedCpuShares } from '../router/cpu.budget';
import { pack, unpack } from './cluster.codec';
import type { AgentControl, ClusterSubjects, RelayExit } from './cluster.protocol';
import type { CatalogEntry } from './backend.catalog';
import { chooseSharedReplica } from './replica.claims';
import { relayToApp } from './replica.relay';
import { SharedReplica, encodeConfig, type ReplicaClaim } from './shared.replica';
import type { SharedReplicaStatus } from './shared-replica.status';

/** What the set needs from its replica host. */
export interface SharedReplicaHost {
  readonly name: string;
  readonly subjects: ClusterSubjects;
  /** The live connection, or none while NATS is down. */
  nc(): NatsConnection | undefined;
  /** Runs a message handler, logging what it throws. */
  guard(subject: string, handle: () => void): void;
  log(level: 'log' | 'warn' | 'error', message: string): void;
}

/** A claim as the replica host holds it: with its replica and the subscription to its subject. */
interface HeldClaim {
  readonly claim: ReplicaClaim;
  readonly replica: SharedReplica;
  readonly backend: string;
  subscription?: Subscription;
}

/** How long a shared replica asked to stop (no claim left) may take before it is killed. */
const STOP_WAIT_MS = 5000;

/**
 * The replicas a replica host runs, shared by the apps of its prefix. Replicas are grouped by
 * what makes them the same (backend, class, code version, kind, init arguments, env, limits,
 * CPUs); an app's start attaches to a replica of the group it does not use yet (see
 * {@link chooseSharedReplica}), else starts one. A replica runs while at least one live app
 * claims it, and is stopped when its last claim goes (the app stopped it, killed it, or died).
 */
export class SharedReplicaSet {
  private readonly groups = new Map<string, SharedReplica[]>();
  private readonly held = new Map<string, HeldClaim>();
  private nextNumber = 1;

  constructor(private readonly host: SharedReplicaHost) {}

  /** Every shared replica running, with its figures. */
  get status(): SharedReplicaStatus[] {
    return [...this.groups.values()].flat().map((r) => r.status);
  }

  /** An app asks for a replica: attaches it to a shared one, starting that if needed. */
  start(control: Extract<AgentControl, { op: 'start' }>, cls: CatalogEntry, nc: NatsConnection): void {
    const { init } = control;
    const group = groupKey(control, cls);
    const replicas = this.groups.get(group) ?? [];
    this.groups.set(group, replicas);
    const replica = chooseSharedReplica(control.app, replicas) ?? this.launch(control, cls, group);
    const toApp = this.host.subjects.toApp(control.app, control.key);
    const claim: ReplicaClaim = {
      app: control.app,
      key: control.key,
      limit: control.maxConcurrentQueries,
      config: encodeConfig(init.hasUserConfig, init.userConfig),
      ids: new Map(),
      stopping: false,
      send: (batch) => this.relay(toApp, batch, held),
    };
    const held: HeldClaim = { claim, replica, backend: init.backend };
    this.held.set(control.key, held);
    this.subscribe(nc, held);
    replica.attach(claim);
    if (replica.apps.size > 1)
      this.host.log('log', sharingMessages.shared(replica.id, init.backend, replica.apps.size));
  }

  /** The app killed its replica `key` (or no longer lists it): its claim goes, its app is not told. */
  kill(key: string): void {
    const held = this.held.get(key);
    if (held) this.release(held);
  }

  /** Releases `app`'s claims other than those it lists (`wanted`), or all of them; returns how many. */
  releaseApp(app: string, wanted?: ReadonlySet<string>): number {
    const gone = [...this.held.values()].filter((h) => h.claim.app === app && !wanted?.has(h.claim.key));
    for (const held of gone) this.release(held);
    return gone.length;
  }

  /** Subscribes every claim again on a new connection. */
  resubscribe(nc: NatsConnection): void {
    for (const held of this.held.values()) this.subscribe(nc, held);
  }

  /** Kills every replica now (the replica host stops). */
  killAll(): void {
    for (const replica of [...this.groups.values()].flat()) replica.transport.kill();
  }

  /** True once every replica exited. */
  get empty(): boolean {
    return [...this.groups.values()].every((g) => g.length === 0);
  }

  private launch(control: Extract<AgentControl, { op: 'start' }>, cls: CatalogEntry, key: string) {
    const { init } = control;
    const group = this.groups.get(key)!;
    const id = `${init.backend}#${this.host.name}-${this.nextNumber++}`;
    const transport = startLocalTransport({
      kind: control.kind,
      init: { ...init, replicaId: id, modulePath: cls.modulePath, exportName: cls.exportName },
      env: control.env,
      resourceLimits: control.resourceLimits,
    });
    const config = encodeConfig(init.hasUserConfig, init.userConfig);
    const replica = new SharedReplica(id, init.backend, init.cpus ?? 1, this.host.name, transport, config, (claim) =>
      this.stopped(claim),
    );
    group.push(replica);
    this.warnIfOverCores(replica);
    transport.onExit((reason) => {
      group.splice(group.indexOf(replica), 1);
      if (group.length === 0 && this.groups.get(key) === group) this.groups.delete(key);
      replica.exiting = true;
      const exit: RelayExit = { t: 'exit', e: `${reason.message} (on replica host ${this.host.name})` };
      for (const held of [...this.held.values()].filter((h) => h.replica === replica)) {
        this.forget(held);
        this.host.nc()?.publish(this.host.subjects.toApp(held.claim.app, held.claim.key), pack([exit]));
      }
    });
    return replica;
  }

  /** The app stopped its replica and its calls are done: the claim goes and the app hears it exited. */
  private stopped(claim: ReplicaClaim): void {
    const held = this.held.get(claim.key);
    if (!held) return;
    this.release(held);
    const exit: RelayExit = { t: 'exit', e: `stopped (on replica host ${this.host.name})` };
    this.host.nc()?.publish(this.host.subjects.toApp(claim.app, claim.key), pack([exit]));
  }

  /** Drops a claim; a replica no app claims any more stops. */
  private release(held: HeldClaim): void {
    this.forget(held);
    const { replica } = held;
    if (!replica.detach(held.claim) || replica.exiting) return;
    replica.exiting = true;
    this.host.log('log', sharingMessages.unclaimed(replica.id, replica.backend));
    replica.transport.post([{ t: 'stop' } satisfies ToReplica]);
    setTimeout(() => replica.transport.kill(), STOP_WAIT_MS).unref();
  }

  private forget(held: HeldClaim): void {
    if (this.held.get(held.claim.key) !== held) return;
    this.held.delete(held.claim.key);
    held.subscription?.unsubscribe();
  }

  private subscribe(nc: NatsConnection, held: HeldClaim): void {
    held.subscription = nc.subscribe(this.host.subjects.toReplica(held.backend, held.claim.key), {
      callback: (err, msg) =>
        void (
          err || this.host.guard(msg.subject, () => held.replica.fromApp(held.claim, unpack<ToReplica[]>(msg.data)))
        ),
    });
  }

  private relay(subject: string, batch: FromReplica[], held: HeldClaim): void {
    const nc = this.host.nc();
    if (!nc) return;
    // What the relay sends back to the replica (a cancel, a failed handle result) is in the app's numbering.
    const transport = { post: (b: unknown[]) => held.replica.fromApp(held.claim, b as ToReplica[]) };
    relayToApp(nc, subject, batch, { key: held.claim.key, backend: held.backend, transport });
  }

  /** Warns when the replica just started takes this machine's replicas past its cores (once per crossing). */
  private warnIfOverCores(started: SharedReplica): void {
    const overrun = cpuOverrun(hostedCpuShares([...this.groups.values()].flat()), availableParallelism());
    if (overrun && overrun.total - started.cpus <= overrun.cores)
      this.host.log(
        'warn',
        budgetMessages.hostCoresOverrun(this.host.name, overrun.total, overrun.cores, overrun.shares),
      );
  }
}

/** What makes two apps' replicas the same replica: not their user config or batching, which change live. */
function groupKey(control: Extract<AgentControl, { op: 'start' }>, cls: CatalogEntry): string {
  const { init } = control;
  const same = [cls.modulePath, cls.exportName, init.backend, init.className, init.codeVersion, control.kind];
  const more = [init.initArgs, control.env ?? null, control.resourceLimits ?? null, init.cpus, init.nice];
  return Buffer.from(serialize([...same, ...more])).toString('base64');
}
