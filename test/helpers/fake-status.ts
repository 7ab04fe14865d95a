import type { BackendStatus, ReplicaStatus, ServeStatus } from '../../src/interfaces/serve-status.interface';

/** A backend in a fake status: healthy, `replicas` ready replicas with vitals, quiet figures. */
export function fakeBackend(name: string, replicas = 2, overrides: Partial<BackendStatus> = {}): BackendStatus {
  const list: ReplicaStatus[] = Array.from({ length: replicas }, (_, i) => ({
    id: `${name}#${i + 1}`,
    state: 'READY',
    site: i % 2 ? 'gpu-host-1' : 'local',
    kind: i % 2 ? 'process' : 'thread',
    inFlight: i,
    served: 100 * (i + 1),
    vitals: {
      rssBytes: 100_000_000 + i,
      heapUsedBytes: 20_000_000 + i,
      heapTotalBytes: 30_000_000,
      eventLoopUtilization: 0.25,
      at: 1_000,
    },
  }));
  return {
    name,
    state: 'HEALTHY',
    reason: `Backend '${name}' has all ${replicas} replicas ready.`,
    since: 1_000,
    codeVersion: 'sha256:1a2b3c4d',
    targetReplicas: replicas,
    cpusPerReplica: 1,
    replicas: list,
    figures: {
      requestsPerSecond: 12.5,
      p50Ms: 3.2,
      p99Ms: 41,
      errorRate: 0.01,
      requests: 125,
      cancelled: 0,
      windowSeconds: 10,
      queued: 3,
      inFlight: 1,
      restarts: 0,
      refused: 0,
      lastError: null,
    },
    events: [],
    ...overrides,
  };
}

/** A status of the given backends, with an endpoint `predict` split 90/10 over the first two. */
export function fakeStatus(backends: BackendStatus[], at = 2_000): ServeStatus {
  const names = backends.map((b) => b.name);
  return {
    at,
    shuttingDown: false,
    backends: Object.fromEntries(backends.map((b) => [b.name, b])),
    endpoints: {
      predict: {
        name: 'predict',
        route: '/predict',
        methods: ['POST'],
        traffic: names.length > 1 ? { [names[0]]: 0.9, [names[1]]: 0.1 } : { [names[0]]: 1 },
        shadows: names.length > 2 ? { [names[2]]: 0.25 } : {},
        figures: {
          requestsPerSecond: 20,
          p50Ms: 3,
          p99Ms: 40,
          errorRate: 0.005,
          requests: 200,
          cancelled: 0,
          windowSeconds: 10,
        },
      },
    },
  };
}
