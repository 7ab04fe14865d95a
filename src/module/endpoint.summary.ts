import type { EndpointInfo } from './serve.service';
import { ownEntry } from '../utils/object.util';

/** What the start-up summary needs of a backend: its replica count and kind. */
export interface BackendSummaryInput {
  numReplicas: number;
  replica: string;
}

/**
 * One log line per endpoint: route, methods, and each backend with its share of the traffic and its
 * replicas, e.g. `endpoint '/sentiment': POST /sentiment → SentimentV1 90% (2 thread replicas),
 * SentimentV2 10% (1 thread replica)`, with the path callers use (`callerPath`: the global prefix
 * before the route). Shadows follow. Nest itself only logs the catch-all route.
 */
export function endpointSummary(
  endpoints: Record<string, EndpointInfo>,
  backends: Record<string, BackendSummaryInput | undefined>,
  callerPath: (route: string) => string = (route) => route,
): string[] {
  const replicas = (name: string) => {
    const b = ownEntry(backends, name);
    return b ? ` (${b.numReplicas} ${b.replica} replica${b.numReplicas === 1 ? '' : 's'})` : '';
  };
  const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
  return Object.entries(endpoints).map(([name, e]) => {
    const traffic = Object.entries(e.traffic).map(([b, w]) => `${b} ${percent(w)}${replicas(b)}`);
    const shadows = Object.entries(e.shadows).map(([b, p]) => `${b} ${percent(p)}${replicas(b)}`);
    return (
      `endpoint '${name}': ${e.methods.join(', ')} ${callerPath(e.route)} → ${traffic.join(', ')}` +
      (shadows.length ? `; shadows: ${shadows.join(', ')}` : '')
    );
  });
}
