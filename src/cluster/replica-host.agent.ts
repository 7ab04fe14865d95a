import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_CLUSTER_OPTIONS } from '../serve.constants';
import { messages } from '../serve.messages';
import { sharingMessages } from '../messages/sharing.messages';
import { waitUntil } from '../utils/wait.util';
import { pack, unpack } from './cluster.codec';
import { BackendCatalog } from './backend.catalog';
import { codePinMismatch } from './code-pin.check';
import { ClusterConnection } from './cluster.connection';
import {
  CLUSTER_PROTOCOL,
  clusterSubjects,
  SUBJECT_TOKEN,
  type AgentAnnouncement,
  type AgentControl,
  type AgentPing,
  type AgentPong,
  type ClusterSubjects,
  type ControlReply,
} from './cluster.protocol';
import type { ReplicaHostOptions } from './replica-host.options';
import { SharedReplicaSet } from './shared-replica.set';
import type { SharedReplicaStatus } from './shared-replica.status';

const DEFAULT_LEASE_MS = 3000;
/** How long killed replicas may take to exit when the replica host stops. */
const KILL_WAIT_MS = 2000;

/**
 * A replica host: loads backend classes, joins the apps of the same prefix over NATS, and runs
 * the replicas they ask for as local threads or processes, relaying messages both ways. It
 * answers heartbeats, stops an app's replicas when that app stops pinging (it died), and on
 * {@link stop} says goodbye so the apps drain its replicas before it exits.
 */
export class ReplicaHost {
  readonly id: string;
  readonly name: string;
  private readonly instance = randomBytes(6).toString('hex');
  private readonly subjects: ClusterSubjects;
  private readonly catalog = new BackendCatalog();
  private readonly connection: ClusterConnection;
  private readonly replicas: SharedReplicaSet;
  private readonly leases = new Map<string, { at: number; leaseMs: number }>();
  private readonly log: NonNullable<ReplicaHostOptions['log']>;
  private nc?: NatsConnection;
  private leaseTimer?: NodeJS.Timeout;
  private draining = false;

  constructor(private readonly options: ReplicaHostOptions) {
    this.id = options.id ?? randomBytes(6).toString('hex');
    if (!SUBJECT_TOKEN.test(this.id)) throw new Error(messages.agentBadId(this.id));
    this.name = options.name ?? `${hostname()}:${process.pid}`;
    const prefix = options.prefix ?? DEFAULT_CLUSTER_OPTIONS.prefix;
    if (!prefix.split('.').every((token) => SUBJECT_TOKEN.test(token)))
      throw new Error(messages.agentBadPrefix(prefix));
    this.subjects = clusterSubjects(prefix);
    this.log =
      options.log ?? ((level, message) => console[level](`[nestjs-serve replica host ${this.name}] ${message}`));
    this.replicas = new SharedReplicaSet({
      name: this.name,
      subjects: this.subjects,
      nc: () => this.nc,
      guard: (subject, handle) => this.connection.guard(subject, handle),
      log: this.log,
    });
    this.connection = new ClusterConnection(
      {
        servers: options.servers,
        name: `nestjs-serve replica host ${this.name}`,
        credentialsFile: options.credentialsFile,
        connection: options.connection,
      },
      {
        up: (nc, fresh) => this.up(nc, fresh),
        down: () => {
          this.nc = undefined;
          this.log('warn', messages.agentClusterDown());
        },
        log: this.log,
      },
    );
  }

  /** Backends this replica host can run. */
  get backends(): string[] {
    return this.catalog.names;
  }

  /**
   * The replicas running here, shared by the apps of the prefix: per replica, how many app
   * instances use it, its calls in flight (now and at most) against its `maxConcurrentQueries`,
   * and the calls it refused because it was full.
   */
  get sharedReplicas(): SharedReplicaStatus[] {
    return this.replicas.status;
  }

  /** Loads the modules (throws if one exports no backend) and connects in the background. */
  async start(): Promise<void> {
    this.catalog.load(this.options.modules, this.options.backends);
    this.leaseTimer = setInterval(() => this.expireLeases(), 250);
    await this.connection.start();
  }

  private up(nc: NatsConnection, fresh: boolean): void {
    this.nc = nc;
    if (fresh) this.subscribe(nc);
    if (!this.draining) this.announce('hello');
  }

  private subscribe(nc: NatsConnection): void {
    const guard = this.connection.guard.bind(this.connection);
    nc.subscribe(this.subjects.discover, { callback: () => this.announce('hello') });
    nc.subscribe(this.subjects.ping(this.id), {
      callback: (err, msg) => void (err || guard(msg.subject, () => this.pinged(msg))),
    });
    nc.subscribe(this.subjects.control(this.id), {
      callback: (err, msg) =>
        void (
          err ||
          guard(
            msg.subject,
            () => this.controlled(msg),
            (why) =>
              msg.reply &&
              msg.respond(pack({ ok: false, error: messages.agentStartFailed(this.name, why) } satisfies ControlReply)),
          )
        ),
    });
    this.replicas.resubscribe(nc);
  }

  private announce(type: AgentAnnouncement['type']): void {
    if (!this.nc || (type === 'hello' && this.draining)) return;
    const announcement: AgentAnnouncement = {
      type,
      agent: this.id,
      instance: this.instance,
      name: this.name,
      names: [...new Set(this.catalog.names)],
      classes: [...new Set(this.catalog.classNames)],
      protocol: CLUSTER_PROTOCOL,
    };
    this.nc.publish(this.subjects.agents, pack(announcement));
  }

  private pinged(msg: Msg): void {
    const ping = unpack<AgentPing>(msg.data);
    this.leases.set(ping.app, { at: Date.now(), leaseMs: ping.leaseMs });
    this.replicas.releaseApp(ping.app, new Set(ping.replicas));
    msg.respond(pack({ instance: this.instance } satisfies AgentPong));
  }

  private controlled(msg: Msg): void {
    const control = unpack<AgentControl>(msg.data);
    if (control.op === 'kill') return this.replicas.kill(control.key);
    const reply = (answer: ControlReply) => void msg.respond(pack(answer));
    const { init } = control;
    if (control.protocol !== CLUSTER_PROTOCOL)
      return reply({
        ok: false,
        error: sharingMessages.appProtocolMismatch(this.name, control.protocol, CLUSTER_PROTOCOL),
      });
    const cls = this.catalog.find(init);
    if (this.draining) return reply({ ok: false, error: messages.agentDrainingRefused(this.name) });
    if (!this.nc) return reply({ ok: false, error: messages.clusterLost() });
    if (!cls)
      return reply({
        ok: false,
        error: messages.agentNoSuchBackend(this.name, init.backend, init.className, this.backends),
      });
    const mismatch = codePinMismatch(this.name, cls.modulePath, init.backend, init.codeVersion);
    if (mismatch) {
      this.log('warn', mismatch);
      return reply({ ok: false, error: mismatch });
    }
    this.leases.set(control.app, this.leases.get(control.app) ?? { at: Date.now(), leaseMs: DEFAULT_LEASE_MS });
    this.replicas.start(control, cls, this.nc);
    reply({ ok: true });
  }

  private expireLeases(): void {
    const now = Date.now();
    for (const [app, lease] of this.leases) {
      if (now - lease.at <= lease.leaseMs) continue;
      this.leases.delete(app);
      const orphans = this.replicas.releaseApp(app);
      if (orphans) this.log('warn', messages.agentLeaseExpired(app, orphans, lease.leaseMs));
      // The app may have dropped this replica host (a stall, an outage) and be waiting for it.
      this.announce('hello');
    }
  }

  /**
   * Drains: tells the apps (they stop sending new requests here, let those in flight finish and
   * stop the replicas), waits up to `drainTimeoutMs`, kills what is left, and disconnects.
   */
  async stop(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.announce('bye');
    // The apps stop the replicas once their requests are done; without NATS they cannot.
    await waitUntil(() => this.replicas.empty || !this.nc, this.options.drainTimeoutMs ?? 30_000);
    this.replicas.killAll();
    await waitUntil(() => this.replicas.empty, KILL_WAIT_MS);
    clearInterval(this.leaseTimer);
    await this.connection.close();
  }
}
