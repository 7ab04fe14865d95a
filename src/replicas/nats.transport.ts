import type { NatsConnection } from '@nats-io/transport-node';
import { encodeBatch, pack, unpack, type EncodedChunk } from '../cluster/cluster.codec';
import type { AgentControl, ClusterSubjects, ControlReply, RelayExit } from '../cluster/cluster.protocol';
import { messages } from '../serve.messages';
import type { ReplicaTransport } from './replica.interface';

/** What a remote replica's transport needs from the app's cluster connection. */
export interface RemoteLink {
  readonly nc: NatsConnection;
  readonly subjects: ClusterSubjects;
  /** Routes the messages the replica `key` sends back to this app; `undefined` stops that. */
  route(key: string, listener: ((batch: unknown[]) => void) | undefined): void;
}

/** Longest wait for a replica host to confirm it got a batch; beyond it heartbeats decide. */
const ACK_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/**
 * A replica on a replica host, over NATS request-reply: each batch goes to the replica's own
 * subject and the replica host acknowledges it. "No responders" means the replica (or its host)
 * is gone and the batch never arrived, so its calls can run elsewhere.
 */
export function createNatsTransport(link: RemoteLink, agent: { id: string; name: string }, start: Extract<AgentControl, { op: 'start' }>): ReplicaTransport {
  const { nc, subjects } = link;
  const subject = subjects.toReplica(start.init.backend, start.key);
  const maxPayload = nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
  const unacked = new Set<EncodedChunk<unknown>>();
  const messageListeners: ((batch: unknown[]) => void)[] = [];
  const exitListeners: ((reason: Error, undelivered?: unknown[]) => void)[] = [];
  let gone = false;

  const exit = (reason: Error, undelivered?: unknown[]) => {
    if (gone) return;
    gone = true;
    link.route(start.key, undefined);
    // Asynchronous like a thread's exit event: callers may be iterating over their replicas.
    setImmediate(() => {
      for (const listener of exitListeners) listener(reason, undelivered);
    });
  };
  const lost = (err: unknown) =>
    new Error(isNoResponders(err) ? messages.agentGone(agent.name) : `replica host ${agent.name}: ${(err as Error).message}`);

  link.route(start.key, (batch) => {
    const exitMessage = batch.find((m): m is RelayExit => (m as RelayExit).t === 'exit');
    const own = exitMessage ? batch.filter((m) => m !== exitMessage) : batch;
    if (own.length) for (const listener of messageListeners) listener(own);
    if (exitMessage) exit(new Error(exitMessage.e));
  });
  nc.request(subjects.control(agent.id), pack(start), { timeout: ACK_TIMEOUT_MS }).then(
    (reply) => {
      const answer = unpack<ControlReply>(reply.data);
      if (!answer.ok) exit(new Error(answer.error));
    },
    (err: unknown) => exit(lost(err)),
  );

  return {
    post(batch) {
      if (gone) return;
      for (const chunk of encodeBatch(batch, maxPayload)) {
        unacked.add(chunk);
        nc.request(subject, chunk.data, { timeout: ACK_TIMEOUT_MS }).then(
          () => unacked.delete(chunk),
          (err: unknown) => {
            if (!isNoResponders(err)) return void unacked.delete(chunk);
            // This chunk and every later one found no subscriber: none of them arrived.
            const undelivered: unknown[] = [];
            let later = false;
            for (const pending of unacked) {
              later ||= pending === chunk;
              if (later) undelivered.push(...pending.messages);
            }
            unacked.clear();
            exit(lost(err), undelivered);
          },
        );
      }
    },
    onMessage: (listener) => void messageListeners.push(listener),
    onExit: (listener) => void exitListeners.push(listener),
    kill() {
      if (gone) return;
      if (!nc.isClosed()) nc.publish(subjects.control(agent.id), pack({ op: 'kill', host: start.host, key: start.key } satisfies AgentControl));
      exit(new Error(messages.remoteReplicaKilled(agent.name)));
    },
  };
}

/** True for NATS's "no responders" answer: nobody subscribes to the subject. */
export function isNoResponders(err: unknown): boolean {
  return typeof (err as { isNoResponders?: unknown })?.isNoResponders === 'function' && (err as { isNoResponders(): boolean }).isNoResponders();
}
