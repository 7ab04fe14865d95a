import { ChunkInbox } from '../replicas/chunk.inbox';
import type { StreamOpened } from '../replicas/replica.interface';
import { ServeStream } from '../replicas/serve.stream';
import { ServeError } from '../serve.errors';
import { streamMessages } from '../serve.messages';
import type { CallResult } from '../replicas/result.codec';
import type { RouterJob } from './router.job';

/**
 * The stream a call of `backend` answers with once its handler streams: its chunks go into an inbox
 * kept on the job (`job.inbox`, finished when the call ends) that fails after `idleMs` without a chunk.
 * It is `count`ed when it closes, not at its head: cancelled when its reader left before the handler
 * ended; otherwise as its head says, also when it failed after it (as before streams were counted so).
 */
export function openCallStream(
  job: RouterJob,
  backend: string,
  idleMs: number,
  count: (result: CallResult, kind: 'succeeded' | 'cancelled') => void,
  ...[status, headers, link]: Parameters<StreamOpened>
): ServeStream {
  const idle = () => new ServeError('TIMEOUT', streamMessages.streamIdle(backend, idleMs));
  const closed = (abandoned: boolean) => count({ ok: true, value: stream }, abandoned ? 'cancelled' : 'succeeded');
  job.inbox = new ChunkInbox(link, idleMs, idle, closed);
  const stream = new ServeStream(status, headers, job.inbox);
  return stream;
}
