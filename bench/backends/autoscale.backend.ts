import { Backend, Endpoint, type ServeRequest } from '../../src';

/** CPU per request of the autoscaling bench's backend, ms: one replica carries about 1000 / CPU_MS requests/s. */
export const CPU_MS = 5;

function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** `BENCH_AUTOSCALING`: the `autoscaling` config as JSON. */
const autoscaling = JSON.parse(process.env.BENCH_AUTOSCALING ?? '{}') as Record<string, number>;

/** A backend with about 5 ms of CPU per request whose replica count follows the load. */
@Backend({ numReplicas: Number(process.env.BENCH_REPLICAS ?? 1), autoscaling })
@Endpoint({ route: '/work' })
export class AutoscaledWork {
  call(_req: ServeRequest) {
    burn(CPU_MS);
    return { ok: true };
  }
}
