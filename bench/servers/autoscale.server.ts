/**
 * Server of the autoscaling bench: the `BENCH_BACKEND` backend (see `serve.server.ts`) and a route
 * that tells the bench the backend's replica count, so it can time the moves from outside.
 */
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { ServeModule, ServeService } from '../../src';
import { runServer, startBenchServer } from './bootstrap';
import { loadBackend } from './backend.loader';

/** `GET /__autoscale`: `{ numReplicas, ready }` of the one backend. */
@Controller('__autoscale')
export class AutoscaleStateController {
  constructor(@Inject(ServeService) private readonly serve: ServeService) {}

  @Get()
  state() {
    const [backend] = Object.values(this.serve.listBackends());
    return { numReplicas: backend.numReplicas, ready: backend.replicas.filter((r) => r.state === 'ready').length };
  }
}

/** Root module of the autoscaling bench server. */
@Module({
  imports: [ServeModule.forRoot({ backends: loadBackend(process.env.BENCH_BACKEND) })],
  controllers: [AutoscaleStateController],
})
export class AutoscaleServerModule {}

runServer(() => startBenchServer(AutoscaleServerModule));
