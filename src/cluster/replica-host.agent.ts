import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { getBackendMetadata } from '../decorators/backend.metadata';
import { requireModule } from '../replicas/module.loader';
import { startLocalTransport } from '../replicas/replica.factory';
import type { ReplicaTransport } from '../replicas/replica.interface';
import type { HostMessage, ReplicaMessage } from '../replicas/replica.protocol';
import { failure } from '../replicas/result.codec';
import { DEFAULT_CLUSTER_OPTIONS } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { postEach } from '../replicas/message.channel';
import { waitUntil } from '../utils/wait.util';
import { encodeBatch, maxPayloadOf, pack, unpack } from './cluster.codec';
import { ClusterConnection } from './cluster.connection';
import {
  clusterSubjects,
  SUBJECT_TOKEN,
  type AgentAnnouncement,
  type AgentControl,
  type AgentPing,
  type AgentPong,
  type ClusterSubjects,
  type ControlReply,
  type RelayExit,
} from './cluster.protocol';

/** Options of a replica host (the `nestjs-serve replica` command). */
export interface ReplicaHostOptions {
  /** NATS server URL(s). */
  servers: string | string[];
  /** Files that export `@Backend()` classes (compiled JavaScript, or TypeScript with a loader installed). */
  modules: string[];
  /** Serve only these backends (names or class names); default all in `modules`. */
  backends?: string[];
  /** Subject prefix; the same as the app's `cluster.prefix`. Default `'nestjs-serve'`. */
  prefix?: string;
  /** Shown in the app's `listBackends()`. Default `<hostname>:<pid>`. */
  name?: string;
  /** Subject-safe id; default random. */
  id?: string;
  /** NATS `.creds` file. */
  credentialsFile?: string;
  /** Other NATS `connect()` options: `user`, `pass`, `token`, `tls`... */
  connection?: Record<string, unknown>;
  /** How long SIGTERM waits for the replicas to finish their requests before killing them, in ms. Default 30000. */
  drainTimeoutMs?: number;
  /** Where log lines go. Default the console. */
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
}

interface BackendClass {
  modulePath: string;
  exportName: string;
  className: string;
  name: string;
}

interface HostedReplica {
  host: string;
  key: string;
  backend: string;
  transport: ReplicaTransport;
  subscription?: Subscription;
}

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
  private readonly classes: BackendClass[] = [];
  private readonly connection: ClusterConnection;
  private readonly replicas = new Map<string, HostedReplica>();
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
    return this.classes.map((c) => c.name);
  }

  /** Loads the modules (throws if one exports no backend) and connects in the background. */
  async start(): Promise<void> {
    for (const file of this.options.modules) this.load(resolve(file));
    if (this.classes.length === 0)
      throw new Error(messages.agentNoBackends(this.options.modules, this.options.backends));
    this.leaseTimer = setInterval(() => this.expireLeases(), 250);
    await this.connection.start();
  }

  private load(modulePath: string): void {
    const exports = requireModule(modulePath);
    const entries = typeof exports === 'function' ? [[exports.name, exports] as const] : Object.entries(exports);
    let found = false;
    for (const [exportName, value] of entries) {
      const metadata = getBackendMetadata(value);
      if (!metadata || typeof value !== 'function') continue;
      found = true;
      const cls = { modulePath, exportName, className: value.name, name: metadata.name ?? value.name };
      const wanted =
        !this.options.backends ||
        this.options.backends.includes(cls.name) ||
        this.options.backends.includes(cls.className);
      if (wanted && !this.classes.some((c) => c.className === cls.className && c.modulePath === modulePath))
        this.classes.push(cls);
    }
    if (!found) throw new Error(messages.agentModuleHasNoBackend(modulePath));
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
    for (const replica of this.replicas.values()) this.subscribeReplica(nc, replica);
  }

  private announce(type: AgentAnnouncement['type']): void {
    if (!this.nc || (type === 'hello' && this.draining)) return;
    const announcement: AgentAnnouncement = {
      type,
      agent: this.id,
      instance: this.instance,
      name: this.name,
      names: [...new Set(this.classes.map((c) => c.name))],
      classes: [...new Set(this.classes.map((c) => c.className))],
    };
    this.nc.publish(this.subjects.agents, pack(announcement));
  }

  private pinged(msg: Msg): void {
    const ping = unpack<AgentPing>(msg.data);
    this.leases.set(ping.host, { at: Date.now(), leaseMs: ping.leaseMs });
    const wanted = new Set(ping.replicas);
    for (const replica of this.replicas.values()) {
      if (replica.host === ping.host && !wanted.has(replica.key)) replica.transport.kill();
    }
    msg.respond(pack({ instance: this.instance } satisfies AgentPong));
  }

  private controlled(msg: Msg): void {
    const control = unpack<AgentControl>(msg.data);
    if (control.op === 'kill') return this.replicas.get(control.key)?.transport.kill();
    const reply = (answer: ControlReply) => void msg.respond(pack(answer));
    const { init } = control;
    const sameClass = this.classes.filter((c) => c.className === init.className);
    const cls = sameClass.find((c) => c.name === init.backend || c.exportName === init.exportName) ?? sameClass[0];
    if (this.draining) return reply({ ok: false, error: messages.agentDrainingRefused(this.name) });
    if (!this.nc) return reply({ ok: false, error: messages.clusterLost() });
    if (!cls)
      return reply({
        ok: false,
        error: messages.agentNoSuchBackend(this.name, init.backend, init.className, this.backends),
      });
    this.leases.set(control.host, this.leases.get(control.host) ?? { at: Date.now(), leaseMs: DEFAULT_LEASE_MS });
    const transport = startLocalTransport({
      kind: control.kind,
      init: { ...init, modulePath: cls.modulePath, exportName: cls.exportName },
      env: control.env,
      resourceLimits: control.resourceLimits,
    });
    const replica: HostedReplica = { host: control.host, key: control.key, backend: init.backend, transport };
    this.replicas.set(control.key, replica);
    this.subscribeReplica(this.nc, replica);
    const toHost = this.subjects.toHost(control.host, control.key);
    transport.onMessage((batch) => this.relay(toHost, batch as ReplicaMessage[], replica));
    transport.onExit((reason) => {
      this.replicas.delete(control.key);
      replica.subscription?.unsubscribe();
      this.nc?.publish(
        toHost,
        pack([{ t: 'exit', e: `${reason.message} (on replica host ${this.name})` } satisfies RelayExit]),
      );
    });
    reply({ ok: true });
  }

  private subscribeReplica(nc: NatsConnection, replica: HostedReplica): void {
    replica.subscription = nc.subscribe(this.subjects.toReplica(replica.backend, replica.key), {
      callback: (err, msg) =>
        void (err || this.connection.guard(msg.subject, () => replica.transport.post(unpack<HostMessage[]>(msg.data)))),
    });
  }

  /** Sends a replica's messages to its app; one too large for NATS is answered with an error instead. */
  private relay(subject: string, batch: ReplicaMessage[], replica: HostedReplica): void {
    const nc = this.nc;
    if (!nc) return;
    const maxPayload = maxPayloadOf(nc);
    const publish = (part: ReplicaMessage[]) => {
      for (const chunk of encodeBatch(part, maxPayload)) nc.publish(subject, chunk.data);
    };
    postEach(batch, publish, (message, error) => {
      const why = (error as Error).message;
      if (message.t === 'result') {
        publish([
          {
            t: 'result',
            id: message.id,
            o: failure({ name: 'PayloadTooLargeError', message: messages.agentResultTooLarge(replica.backend, why) }),
          },
        ]);
      } else if (message.t === 'handle-call') {
        const o = failure(
          new ServeError('PAYLOAD_TOO_LARGE', messages.notSendable('The handle payload', replica.key, why)),
        );
        replica.transport.post([{ t: 'handle-result', id: message.id, o } satisfies HostMessage]);
      }
    });
  }

  private expireLeases(): void {
    const now = Date.now();
    for (const [host, lease] of this.leases) {
      if (now - lease.at <= lease.leaseMs) continue;
      this.leases.delete(host);
      const orphans = [...this.replicas.values()].filter((r) => r.host === host);
      if (orphans.length) this.log('warn', messages.agentLeaseExpired(host, orphans.length, lease.leaseMs));
      for (const replica of orphans) replica.transport.kill();
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
    await waitUntil(() => this.replicas.size === 0 || !this.nc, this.options.drainTimeoutMs ?? 30_000);
    for (const replica of this.replicas.values()) replica.transport.kill();
    await waitUntil(() => this.replicas.size === 0, KILL_WAIT_MS);
    clearInterval(this.leaseTimer);
    await this.connection.close();
  }
}
