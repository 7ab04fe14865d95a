import { Backend, Endpoint } from '../../src';
import { envInt } from '../work/env';
import { cpuWork } from '../work/workloads';

/** Scenario F: ~5 ms of real CPU work per request (iterations calibrated by the orchestrator). */
@Backend({ numReplicas: envInt('BENCH_REPLICAS', 1), initArgs: [envInt('BENCH_CPU_ITERATIONS', 2_500_000)] })
export class CpuBackend {
  constructor(private readonly iterations: number) {}

  /** `GET /cpu`: hashes for the calibrated number of iterations. */
  @Endpoint({ route: '/cpu' })
  run(): { hash: number } {
    return { hash: cpuWork(this.iterations) };
  }
}
