import type { NatsConnection } from '@nats-io/transport-node';
import { encodeBatch, maxPayloadOf, pack, unpack, type EncodedChunk } from './cluster.codec';
import type { AgentControl, ClusterSubjects, ControlReply, RelayExit } from './cluster.protocol';
import { messages } from '../serve.messages';
import type { ReplicaTransport } from '../replicas/replica.interface';

/** What reaches a remote replica's transport through the app's inbox. */
export interface RemoteRoute {
  /** Messages the replica sent. */
  message(batch: unknown[]): void;
  /** NATS found no subscriber for batch `seq`: the replica (or its replica host) is gone. */
  undelivered(seq: number): void;
}

/** What a remote replica's transport needs from the app's cluster connection. */
export interface RemoteLink {
  readonly nc: NatsConnection;
  readonly subjects: ClusterSubjects;
  readonly appId: string;
  /** Routes what comes back for the replica `key`; `undefined` stops that. */
  route(key: string, route: RemoteRoute | undefined): void;
}

/** Longest wait for a replica host to answer a start. */
const START_TIMEOUT_MS = 10_000;
/** Batches kept after sending, in case NATS reports them undelivered (it does within a round trip). */
const KEPT_BATCHES = 512;
const KEPT_BYTES = 4 * 1024 * 1024;
/** After a first "no responders", how long to wait for the verdict on the batches sent after it. */
const UNDELIVERED_SETTLE_MS = 50;

/**
 * A replica on a replica host, over NATS: each batch is published to the replica's own subject
 * with a reply subject that only NATS itself uses — to say "no responders" when nobody received
 * the batch. The replica (or its replica host) is then gone, and that batch and the later ones never
 * arrived, so their calls can run elsewhere. Delivered batches cost no acknowledgement.
 */
export function createNatsTransport(
  link: RemoteLink,
  agent: { id: string; name: string },
  start: Extract<AgentControl, { op: 'start' }>,
): ReplicaTransport {
  const { nc, subjects } = link;
  const subject = subjects.toReplica(start.init.backend, start.key);
  const control = subjects.control(agent.id);
  const maxPayload = maxPayloadOf(nc);
  const sent = new Map<number, EncodedChunk<unknown>>();
  let sentBytes = 0;
  let nextSeq = 1;
  const messageListeners: ((batch: unknown[]) => void)[] = [];
  const exitListeners: ((reason: Error, undelivered?: unknown[]) => void)[] = [];
  let gone = false;

  /** Set from the first "no responders" until exit: what is known not to have arrived. */
  let dying: { undelivered: unknown[]; pending: Set<number>; timer: NodeJS.Timeout } | undefined;
  let lateUndelivered: unknown[] | undefined;
  const exit = (reason: Error, undelivered: unknown[] = dying?.undelivered ?? []) => {
    if (gone) return;
    gone = true;
    clearTimeout(dying?.timer);
    dying = undefined;
    link.route(start.key, undefined);
    lateUndelivered = undelivered;
    // Asynchronous like a thread's exit event: callers may be iterating over their replicas.
    setImmediate(() => {
      const never = lateUndelivered;
      lateUndelivered = undefined;
      for (const listener of exitListeners) listener(reason, never);
    });
  };
  const unreachable = () => new Error(messages.replicaUnreachable(start.init.replicaId, agent.name));
  const lost = (err: unknown) =>
    new Error(
      isNoResponders(err) ? messages.agentGone(agent.name) : `replica host ${agent.name}: ${(err as Error).message}`,
    );

  link.route(start.key, {
    message(batch) {
      const exitMessage = batch.find((m): m is RelayExit => (m as RelayExit).t === 'exit');
      const own = exitMessage ? batch.filter((m) => m !== exitMessage) : batch;
      if (own.length) for (const listener of messageListeners) listener(own);
      if (exitMessage) exit(new Error(exitMessage.e));
    },
    undelivered(seq) {
      // Later batches may have arrived (a replica host that reconnected at that moment) or not:
      // wait briefly for NATS's verdict on each, so no call runs twice.
      if (!dying) {
        const pending = new Set([...sent.keys()].filter((s) => s > seq));
        dying = { undelivered: [], pending, timer: setTimeout(() => exit(unreachable()), UNDELIVERED_SETTLE_MS) };
      }
      dying.undelivered.push(...(sent.get(seq)?.messages ?? []));
      dying.pending.delete(seq);
      sent.delete(seq);
      if (dying.pending.size === 0) exit(unreachable());
    },
  });
  nc.request(control, pack(start), { timeout: START_TIMEOUT_MS }).then(
    (reply) => {
      try {
        const answer = unpack<ControlReply>(reply.data);
        if (!answer.ok) exit(new Error(answer.error));
      } catch (err) {
        exit(new Error(messages.clusterMessageFailed(control, (err as Error).message)));
      }
    },
    (err: unknown) => exit(lost(err)),
  );

  return {
    post(batch) {
      if (gone || dying) {
        // Never sent: may run elsewhere.
        (lateUndelivered ?? dying?.undelivered)?.push(...batch);
        return;
      }
      for (const chunk of encodeBatch(batch, maxPayload)) {
        const seq = nextSeq++;
        sent.set(seq, chunk);
        sentBytes += chunk.data.length;
        for (const [oldest, old] of sent) {
          if (sent.size <= KEPT_BATCHES && sentBytes <= KEPT_BYTES) break;
          sent.delete(oldest);
          sentBytes -= old.data.length;
        }
        nc.publish(subject, chunk.data, { reply: subjects.undelivered(link.appId, start.key, seq) });
      }
    },
    onMessage: (listener) => void messageListeners.push(listener),
    onExit: (listener) => void exitListeners.push(listener),
    kill() {
      if (gone) return;
      if (!nc.isClosed())
        nc.publish(control, pack({ op: 'kill', app: start.app, key: start.key } satisfies AgentControl));
      exit(new Error(messages.remoteReplicaKilled(agent.name)));
    },
  };
}

/** True for NATS's "no responders" answer: nobody subscribes to the subject. */
export function isNoResponders(err: unknown): boolean {
  return (
    typeof (err as { isNoResponders?: unknown })?.isNoResponders === 'function' &&
    (err as { isNoResponders(): boolean }).isNoResponders()
  );
}
