import { ChannelReplica } from '../replicas/channel.replica';
import type { Replica, ReplicaEvents, ReplicaSite, ReplicaSpec } from '../replicas/replica.interface';
import { CLUSTER_PROTOCOL, type AgentAnnouncement } from './cluster.protocol';
import { createNatsTransport, type RemoteLink } from './remote.transport';

/**
 * One replica host as a place to start replicas: each start is sent over NATS and the replica
 * runs there, behind a {@link ChannelReplica} like a local one. The replica host may attach the
 * start to a replica it already runs for another app of the prefix (shared replicas): this app
 * still sees one replica of its own per start, under its own key.
 */
export class RemoteSite implements ReplicaSite {
  /** The replica host's id. */
  readonly id: string;
  /** The replica host's name, shown as its replicas' `host`. */
  readonly name: string;
  /** Keys of the replicas started there and not gone, listed in heartbeats. */
  readonly keys = new Set<string>();

  constructor(
    private readonly link: RemoteLink,
    announcement: AgentAnnouncement,
    private readonly nextKey: () => string,
  ) {
    this.id = announcement.agent;
    this.name = announcement.name;
  }

  /** Starts one replica on the replica host; throws while NATS is down. */
  start(spec: ReplicaSpec, events: ReplicaEvents): Replica {
    const key = this.nextKey();
    // Throws (via `nc`) while NATS is down; the key is listed in pings once the start is sent.
    const transport = createNatsTransport(this.link, this, {
      op: 'start',
      app: this.link.appId,
      key,
      kind: spec.kind,
      init: spec.init,
      env: spec.env,
      resourceLimits: spec.resourceLimits,
      protocol: CLUSTER_PROTOCOL,
      // Without a limit the replica host admits what the router sends, as before.
      maxConcurrentQueries: spec.maxConcurrentQueries ?? Number.MAX_SAFE_INTEGER,
    });
    this.keys.add(key);
    const replica = new ChannelReplica(spec.init.replicaId, spec.kind, transport, events, this.name);
    transport.onExit(() => this.keys.delete(key));
    return replica;
  }
}
