import { Backend, Endpoint } from '../../src';
import { envInt, envPlacement, envReplicaKind } from '../work/env';
import { hello } from '../work/workloads';

/** Scenarios C, D, G, J and memory: the small-JSON handler as a nestjs-serve endpoint. */
@Backend({ numReplicas: envInt('BENCH_REPLICAS', 2), replica: envReplicaKind(), placement: envPlacement() })
export class HelloBackend {
  /** `GET /hello`: the small JSON. */
  @Endpoint({ route: '/hello' })
  hello(): ReturnType<typeof hello> {
    return hello();
  }
}
