/**
 * Server of the soak run (`npm run soak`): endpoint `/soak` split between a thread backend and a
 * process backend, plus the soak's control routes (`/__soak/*`: full GC + memory, heap
 * snapshots, control changes). Start it with `--expose-gc`.
 */
import { Module } from '@nestjs/common';
import { ServeModule } from '../../src';
import { SoakProcessBackend } from '../backends/soak-process.backend';
import { SoakThreadBackend } from '../backends/soak-thread.backend';
import { runServer, startBenchServer } from './bootstrap';
import { SoakController } from './soak.controller';

/** Root module of the soak server. */
@Module({
  imports: [ServeModule.forRoot({ backends: [SoakThreadBackend, SoakProcessBackend] })],
  controllers: [SoakController],
})
export class SoakServerModule {}

runServer(() => startBenchServer(SoakServerModule));
