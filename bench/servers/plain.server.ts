/** Server A: a plain Nest controller returning the small JSON (or, at `/noop`, `{}`) inline (the ceiling). */
import { Controller, Get, Module } from '@nestjs/common';
import { hello, noop } from '../work/workloads';
import { runServer, startBenchServer } from './bootstrap';
import { StatsController } from './stats.controller';

/** `GET /hello`, answered on the main thread. */
@Controller()
export class PlainHelloController {
  /** The small JSON. */
  @Get('hello')
  hello(): ReturnType<typeof hello> {
    return hello();
  }

  /** `GET /noop` (rows `.noop`): an empty JSON object. */
  @Get('noop')
  noop(): ReturnType<typeof noop> {
    return noop();
  }
}

/** Root module of server A. */
@Module({ controllers: [PlainHelloController, StatsController] })
export class PlainServerModule {}

runServer(() => startBenchServer(PlainServerModule));
