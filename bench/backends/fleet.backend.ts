import { Backend, Endpoint } from '../../src';

/** Version one of the fleet bench's endpoint (all its traffic at start). */
@Backend({ numReplicas: 1 })
@Endpoint({ route: '/fleet', name: 'fleet', weight: 1 })
export class FleetOne {
  call() {
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
