import { Backend, Endpoint, type ServeRequest } from '../../src';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Version one of the fleet bench's endpoint (all its traffic at start). */
@Backend({ numReplicas: 1 })
@Endpoint({ route: '/fleet', name: 'fleet', weight: 1 })
export class FleetOne {
  /** `?sleepMs=N` holds the request N ms (≤ 5000): load that autoscaling sees. */
  async call(req: ServeRequest) {
    const ms = Math.min(5000, Number(req.query.sleepMs) || 0);
    if (ms > 0) await sleep(ms);
    return { version: 'one' };
  }
}

/** Version two of the fleet bench's endpoint, declared with no traffic. */
@Backend({ numReplicas: 1 })
@Endpoint({ route: '/fleet', name: 'fleet', weight: 0 })
export class FleetTwo {
  call() {
    return { version: 'two' };
  }
}
