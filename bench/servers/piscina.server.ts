/**
 * Server B: the same handler behind a Piscina pool of 2 threads, called from a Nest controller (the
 * peer). It answers closed-loop commands (row K-piscina) with `pool.run()` calls, no HTTP.
 */
import { extname, join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { Piscina } from 'piscina';
import { CLOSED_LOOP_PAYLOAD, type hello, type noop } from '../work/workloads';
import { envInt } from '../work/env';
import { runServer, startBenchServer } from './bootstrap';
import { StatsController } from './stats.controller';
import { listenForClosedLoop } from './closed.loop';

const threads = envInt('BENCH_REPLICAS', 2);
const pool = new Piscina({
  filename: join(__dirname, `piscina.worker${extname(__filename)}`),
  minThreads: threads,
  maxThreads: threads,
});

/** `GET /hello`, answered by a Piscina worker. */
@Controller()
export class PiscinaHelloController {
  /** The small JSON, computed in the pool. */
  @Get('hello')
  hello(): Promise<ReturnType<typeof hello>> {
    return pool.run(null);
  }

  /** `GET /noop` (rows `.noop`): `{}`, from the pool. */
  @Get('noop')
  noop(): Promise<ReturnType<typeof noop>> {
    return pool.run(null, { name: 'noop' });
  }
}

/** Root module of server B. */
@Module({ controllers: [PiscinaHelloController, StatsController] })
export class PiscinaServerModule {}

listenForClosedLoop(() => pool.run(CLOSED_LOOP_PAYLOAD));
runServer(() => startBenchServer(PiscinaServerModule, () => pool.close()));
