import type { NatsConnection } from '@nats-io/transport-node';
import { postEach } from '../replicas/message.channel';
import type { ReplicaTransport } from '../replicas/replica.interface';
import type { ToReplica, FromReplica } from '../replicas/replica.protocol';
import { failure } from '../replicas/result.codec';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';
import { encodeBatch, maxPayloadOf } from './cluster.codec';

/**
 * Sends a replica's messages to its app over NATS, on the replica host. A message too large for
 * NATS is answered with an error instead: a result fails the app's request, a stream's chunk
 * ends its stream with that error (and cancels it in the replica), a handle call fails back into
 * the replica.
 */
export function relayToApp(
  nc: NatsConnection,
  subject: string,
  batch: FromReplica[],
  replica: { key: string; backend: string; transport: Pick<ReplicaTransport, 'post'> },
): void {
  const maxPayload = maxPayloadOf(nc);
  const publish = (part: FromReplica[]) => {
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
      replica.transport.post([{ t: 'handle-result', id: message.id, o } satisfies ToReplica]);
    } else if (message.t === 'chunk') {
      // The stream cannot go on: its handler stops, and the app's response ends with the error.
      replica.transport.post([{ t: 'cancel', id: message.id } satisfies ToReplica]);
      const reason = messages.agentResultTooLarge(replica.backend, why);
      publish([{ t: 'result', id: message.id, o: failure({ name: 'PayloadTooLargeError', message: reason }) }]);
    }
  });
}
