import { Backend, Endpoint } from '../../src';

/** Overload run: 20 ms of waiting per request, 2 replicas × 2 in flight = 200 req/s of capacity. */
@Backend({ numReplicas: 2, maxConcurrentQueries: 2, maxQueuedRequests: 16, requestTimeoutMs: 5000 })
export class OverloadBackend {
  /** `GET /slow`: answers after 20 ms. */
  @Endpoint({ route: '/slow' })
  async slow(): Promise<{ ok: true }> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return { ok: true };
  }
}
