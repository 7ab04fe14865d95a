import { BadRequestException } from '@nestjs/common';
import { Backend, Endpoint, type ServeRequest } from 'nestjs-serve';

/** The backend the checks call: one route per row of "What callers see". */
@Backend({ userConfig: { greeting: 'hello' } })
export class DemoBackend {
  private greeting = '';

  reconfigure(config: { greeting: string }) {
    this.greeting = config.greeting;
  }

  @Endpoint({ route: '/hello' })
  hello() {
    return { greeting: this.greeting };
  }

  @Endpoint({ route: '/echo', methods: ['POST'] })
  echo(req: ServeRequest) {
    return { body: req.body };
  }

  @Endpoint({ route: '/bad-request' })
  badRequest() {
    throw new BadRequestException('no such thing');
  }

  @Endpoint({ route: '/teapot' })
  teapot() {
    throw Object.assign(new Error('short and stout'), { status: 418 });
  }

  @Endpoint({ route: '/boom' })
  boom() {
    throw new Error('kaboom');
  }
}

/** One slot, no queue, a short timeout: a slow call answers 504 and a second one meanwhile 503. */
@Backend({ maxConcurrentQueries: 1, maxQueuedRequests: 0, requestTimeoutMs: 1000 })
export class SlowBackend {
  @Endpoint({ route: '/slow' })
  async slow(req: ServeRequest) {
    await new Promise((resolve) => setTimeout(resolve, Number(req.query.ms ?? 0)));
    return 'done';
  }
}
