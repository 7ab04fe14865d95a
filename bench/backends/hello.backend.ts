import { Backend, Endpoint } from '../../src';
import { envInt, envReplicaKind } from '../work/env';
import { hello } from '../work/workloads';

/** Scenarios C, D, G and memory: the small-JSON handler as a nestjs-serve endpoint. */
@Backend({ numReplicas: envInt('BENCH_REPLICAS', 2), replica: envReplicaKind() })
export class HelloBackend {
  /** `GET /hello`: the small JSON. */
  @Endpoint({ route: '/hello' })
  hello(): ReturnType<typeof hello> {
    return hello();
  }
}
