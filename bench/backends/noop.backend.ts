import { Backend, Endpoint } from '../../src';
import { envInt, envReplicaKind } from '../work/env';
import { noop } from '../work/workloads';

/** Row C.noop (issue 19): a no-op `GET` endpoint, as a user would write one. */
@Backend({ numReplicas: envInt('BENCH_REPLICAS', 2), replica: envReplicaKind() })
export class NoopBackend {
  /** `GET /noop`: an empty JSON object. */
  @Endpoint({ route: '/noop' })
  noop(): ReturnType<typeof noop> {
    return noop();
  }
}
