import { Backend, Endpoint, type ServeRequest } from '../../src';
import { firstChunk, slowChunks, tinyChunks } from '../work/stream.generators';

/** The streaming bench's generators, served from one thread replica. */
@Backend({ numReplicas: 1, maxConcurrentQueries: 2000, maxQueuedRequests: 2000 })
export class StreamBench {
  /** Yields one SSE event at once. */
  @Endpoint({ route: '/s/first', methods: ['GET'], stream: 'sse' })
  first(): AsyncGenerator<string> {
    return firstChunk();
  }

  /** `?n=` tiny chunks as fast as they are read. */
  @Endpoint({ route: '/s/tiny', methods: ['GET'] })
  tiny(req: ServeRequest): AsyncGenerator<string> {
    return tinyChunks(Number(req.query.n ?? 100_000));
  }

  /** `?n=` chunks one second apart. */
  @Endpoint({ route: '/s/slow', methods: ['GET'] })
  slow(req: ServeRequest): AsyncGenerator<string> {
    return slowChunks(Number(req.query.n ?? 30));
  }
}
