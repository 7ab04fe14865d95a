import { ChunkInbox } from '../replicas/chunk.inbox';
import type { StreamOpened } from '../replicas/replica.interface';
import { ServeStream } from '../replicas/serve.stream';
import { ServeError } from '../serve.errors';
import { streamMessages } from '../serve.messages';
import type { RouterJob } from './router.job';

/**
 * The stream a call of `backend` answers with once its handler streams: its chunks go into an inbox
 * kept on the job (`job.inbox`, finished when the call ends) that fails after `idleMs` without a chunk.
 */
export function openCallStream(
  job: RouterJob,
  backend: string,
  idleMs: number,
  ...[status, headers, link]: Parameters<StreamOpened>
): ServeStream {
  const idle = () => new ServeError('TIMEOUT', streamMessages.streamIdle(backend, idleMs));
  job.inbox = new ChunkInbox(link, idleMs, idle);
  return new ServeStream(status, headers, job.inbox);
}
