import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ClusterOptions } from '../interfaces/cluster-options.interface';
import { isNoResponders, type RemoteLink, type RemoteRoute } from './remote.transport';
import { RemoteSite } from './remote.site';
import type { ReplicaSite } from '../replicas/replica.interface';
import { DEFAULT_CLUSTER_OPTIONS } from '../serve.constants';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { stripUndefined } from '../utils/object.util';
import { pack, unpack } from './cluster.codec';
import { ClusterConnection } from './cluster.connection';
import { sharingMessages } from '../messages/sharing.messages';
import {
  CLUSTER_PROTOCOL,
  clusterSubjects,
  type AgentAnnouncement,
  type AgentPing,
  type AgentPong,
  type ClusterSubjects,
} from './cluster.protocol';

/** A replica host as the app knows it. */
export interface RemoteAgent {
  readonly announcement: AgentAnnouncement;
  readonly site: ReplicaSite;
  /** True when it can run backends of class `className`. */
  serves(className: string): boolean;
}

/** What the app hears from {@link ClusterMembership}. */
export interface MembershipEvents {
  joined(agent: RemoteAgent): void;
  /** Gone: `graceful` when it drains (SIGTERM), else it died, hung or NATS went away. */
  left(agent: RemoteAgent, reason: string, graceful: boolean): void;
  log(level: 'log' | 'warn' | 'error', message: string): void;
  /** NATS is up (`fresh`: a new connection; else a reconnect): the fleet's store rides on it. */
  connected?(nc: NatsConnection, fresh: boolean): void;
}

interface AgentState extends RemoteAgent {
  lastPong: number;
  keys: Set<string>;
  /** Said goodbye: takes no new replicas, still pinged until its replicas are gone. */
  leaving?: boolean;
}

/**
 * The app's side of the cluster: one NATS connection, the replica hosts that announced
 * themselves, their heartbeats, and a {@link ReplicaSite} per replica host that starts replicas
 * there. A replica host that stops answering pings, or all of them when NATS goes away, leaves.
 */
export class ClusterMembership implements RemoteLink {
  readonly appId = randomBytes(6).toString('hex');
  readonly subjects: ClusterSubjects;
  private readonly connection: ClusterConnection;
  private readonly settings: Required<Pick<ClusterOptions, 'heartbeatPeriodMs' | 'heartbeatTimeoutMs' | 'prefix'>>;
  private readonly agents = new Map<string, AgentState>();
  private readonly routes = new Map<string, RemoteRoute>();
  /** Replica hosts (by instance) of another protocol version, already reported. */
  private readonly mismatched = new Set<string>();
  private heartbeat?: NodeJS.Timeout;
  private current?: NatsConnection;
  private nextKey = 1;
  private lastBeat = Date.now();

  constructor(
    options: ClusterOptions,
    private readonly events: MembershipEvents,
  ) {
    const resolved = { ...DEFAULT_CLUSTER_OPTIONS, ...stripUndefined(options), servers: options.servers };
    this.settings = resolved;
    this.subjects = clusterSubjects(resolved.prefix);
    this.connection = new ClusterConnection(
      {
        servers: resolved.servers,
        name: resolved.name ?? `nestjs-serve host ${hostname()}`,
        credentialsFile: resolved.credentialsFile,
        connection: resolved.connection,
      },
      { up: (nc, fresh) => this.up(nc, fresh), down: (reason) => this.down(reason), log: events.log },
    );
  }

  /** True while the app is connected to NATS. */
  get connected(): boolean {
    return this.current !== undefined;
  }

  /** @internal For remote transports: the live connection (they only start while it is up). */
  get nc(): NatsConnection {
    if (!this.current) throw new ServeError('REPLICA_UNAVAILABLE', messages.clusterLost());
    return this.current;
  }

  /** Replica hosts that take replicas now. */
  get known(): RemoteAgent[] {
    return [...this.agents.values()].filter((a) => !a.leaving);
  }

  /**
   * Connects in the background: the app starts whether or not NATS is reachable yet. Resolves
   * after the first attempt, connected or not.
   */
  start(): Promise<void> {
    const first = this.connection.start();
    this.heartbeat = setInterval(() => this.beat(), this.settings.heartbeatPeriodMs);
    this.heartbeat.unref();
    return first;
  }

  /** Closes the connection (after the app's replicas stopped). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.connection.close();
  }

  route(key: string, route: RemoteRoute | undefined): void {
    if (route) this.routes.set(key, route);
    else this.routes.delete(key);
  }

  private up(nc: NatsConnection, fresh: boolean): void {
    this.current = nc;
    if (fresh) this.subscribe(nc);
    nc.publish(this.subjects.discover);
    this.events.connected?.(nc, fresh);
  }

  private subscribe(nc: NatsConnection): void {
    const guard = this.connection.guard.bind(this.connection);
    nc.subscribe(this.subjects.agents, {
      callback: (err, msg) =>
        void (err || guard(msg.subject, () => this.announced(unpack<AgentAnnouncement>(msg.data)))),
    });
    const inbox = this.subjects.appInbox(this.appId);
    const skip = inbox.length - 1;
    nc.subscribe(inbox, {
      callback: (err, msg) => {
        if (err) return;
        // `<key>` carries the replica's messages; `<key>.<seq>` is NATS saying batch seq had no receiver.
        const [key, seq] = msg.subject.slice(skip).split('.');
        const route = this.routes.get(key);
        if (!route) return;
        guard(msg.subject, () => {
          if (seq === undefined) route.message(unpack<unknown[]>(msg.data));
          else if (msg.headers?.code === 503) route.undelivered(Number(seq));
        });
      },
    });
  }

  private down(reason: string): void {
    this.current = undefined;
    this.events.log('warn', messages.appClusterDown());
    for (const agent of [...this.agents.values()]) this.leave(agent, reason);
  }

  private announced(announcement: AgentAnnouncement): void {
    const known = this.agents.get(announcement.agent);
    if (announcement.type === 'bye') {
      if (known?.announcement.instance !== announcement.instance || known.leaving) return;
      known.leaving = true;
      const reason = messages.agentDraining(known.announcement.name);
      this.events.log('log', reason);
      this.events.left(known, reason, true);
      return;
    }
    if (known?.announcement.instance === announcement.instance) return;
    if (known) this.leave(known, messages.agentRestarted());
    if (announcement.protocol !== CLUSTER_PROTOCOL) {
      if (this.mismatched.has(announcement.instance)) return;
      this.mismatched.add(announcement.instance);
      return this.events.log(
        'error',
        sharingMessages.protocolMismatch(announcement.name, announcement.protocol, CLUSTER_PROTOCOL),
      );
    }
    this.join(announcement);
  }

  private join(announcement: AgentAnnouncement): void {
    const site = new RemoteSite(this, announcement, () => `${this.appId}-${this.nextKey++}`);
    const classes = new Set(announcement.classes);
    const agent: AgentState = {
      announcement,
      site,
      keys: site.keys,
      lastPong: Date.now(),
      serves: (className) => classes.has(className),
    };
    this.agents.set(announcement.agent, agent);
    this.events.log('log', messages.agentJoined(announcement.name, announcement.names));
    this.events.joined(agent);
  }

  /** Drops a replica host that died, hung or restarted: its replicas are dropped at once. */
  private leave(agent: AgentState, reason: string): void {
    if (this.agents.get(agent.announcement.agent) !== agent) return;
    this.agents.delete(agent.announcement.agent);
    this.events.log('warn', messages.agentLeft(agent.announcement.name, reason));
    this.events.left(agent, reason, false);
  }

  private beat(): void {
    const nc = this.current;
    const now = Date.now();
    // After a stall of this app's own event loop, pongs may be waiting unread: judge next time.
    const stalled = now - this.lastBeat > this.settings.heartbeatPeriodMs + this.settings.heartbeatTimeoutMs / 2;
    this.lastBeat = now;
    if (!nc) return;
    for (const agent of [...this.agents.values()]) {
      // A draining replica host is pinged until its last replica stopped, so a death mid-drain is seen.
      if (agent.leaving && agent.keys.size === 0) {
        this.agents.delete(agent.announcement.agent);
        continue;
      }
      if (stalled) agent.lastPong = Math.max(agent.lastPong, now - this.settings.heartbeatPeriodMs);
      if (now - agent.lastPong > this.settings.heartbeatTimeoutMs) {
        this.leave(agent, messages.agentSilent(this.settings.heartbeatTimeoutMs));
        continue;
      }
      const ping: AgentPing = {
        app: this.appId,
        replicas: [...agent.keys],
        leaseMs: this.settings.heartbeatTimeoutMs * 3,
      };
      nc.request(this.subjects.ping(agent.announcement.agent), pack(ping), {
        timeout: this.settings.heartbeatTimeoutMs,
      }).then(
        (reply) =>
          this.connection.guard(reply.subject, () => {
            if (unpack<AgentPong>(reply.data).instance === agent.announcement.instance) agent.lastPong = Date.now();
            else {
              this.leave(agent, messages.agentRestarted());
              nc.publish(this.subjects.discover);
            }
          }),
        (err: unknown) => {
          if (isNoResponders(err)) this.leave(agent, messages.noResponders());
        },
      );
    }
  }
}
