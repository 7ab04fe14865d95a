import type { WireOutcome } from '../replicas/replica.protocol';
import type { CallResult } from '../replicas/result.codec';
import { ServeStream } from '../replicas/serve.stream';
import type { RequestOutcome } from '../signals/request.outcome';
import type { RequestCounts } from './backend.status';
import type { BackendRecorder } from '../signals/backend.recorder';
import type { RouterJob } from './router.job';

/** How one request ended, as the recorders count it: the status code the caller gets and the outcome. */
export interface Classified {
  /** HTTP status the response mapper sends (or would, for a handle call). */
  code: number;
  /** See {@link RequestOutcome}. */
  outcome: RequestOutcome;
}

/**
 * The status code and outcome of a settled request, from how the router settled it (`kind`), the
 * decoded result and, when a replica answered, its wire outcome (a returned `ServeResponse`
 * carries its own status). A handler's 4xx is `ok`; 5xx, refusals, timeouts and lost replicas are not.
 * A request whose caller went away is `cancelled` whatever its result: a stream its reader left
 * had answered its head already.
 */
export function classifyRequest(kind: keyof RequestCounts, result: CallResult, wire?: WireOutcome): Classified {
  if (kind === 'cancelled') return { code: 499, outcome: 'cancelled' };
  if (result.ok) {
    const code = wire?.ok && 'r' in wire.v ? wire.v.r.status : ServeStream.is(result.value) ? result.value.status : 200;
    return { code, outcome: code >= 500 ? 'error' : 'ok' };
  }
  const code = result.error.status;
  switch (kind) {
    case 'rejected':
      return { code, outcome: 'overloaded' };
    case 'timedOut':
      return { code, outcome: 'timeout' };
    case 'replicaLost':
      return { code, outcome: 'replica-died' };
    default:
      return { code, outcome: code >= 500 ? 'error' : 'ok' };
  }
}

/**
 * Counts a settled request in `counts` and `recorder`: endpoint, status code, outcome, queue wait
 * and processing time, up to when it was answered (a stream's head), whenever it is counted.
 */
export function recordSettled(
  counts: RequestCounts,
  recorder: BackendRecorder | undefined,
  job: RouterJob,
  result: CallResult,
  kind: keyof RequestCounts,
  wire?: WireOutcome,
): void {
  counts[kind]++;
  if (!recorder) return;
  const answeredAt = job.answeredAt;
  const { code, outcome } = classifyRequest(kind, result, wire);
  const queueMs = (job.startedAt || answeredAt) - job.arrivedAt;
  const processingMs = job.startedAt ? answeredAt - job.startedAt : 0;
  const { endpoint, shadow } = job.route;
  if (shadow) recorder.shadowSettled(endpoint, code, outcome, queueMs, processingMs);
  else recorder.settled(endpoint, code, outcome, queueMs, processingMs, result.ok ? undefined : result.error.message);
}
