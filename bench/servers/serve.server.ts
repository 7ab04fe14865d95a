/**
 * Server for every nestjs-serve scenario: `BENCH_BACKEND=<file>#<ExportName>` names the backend
 * class to serve (none: the module with no backends, for the 0-replica memory baseline). Replica
 * count and kind come from the env the backend decorators read (`BENCH_REPLICAS`, `BENCH_REPLICA_KIND`).
 */
import { Module, type Type } from '@nestjs/common';
import { ServeModule } from '../../src';
import { runServer, startBenchServer } from './bootstrap';
import { StatsController } from './stats.controller';

/** Loads the class named by `spec` (`/abs/file.ts#ExportName`), or none for an empty spec. */
export function loadBackend(spec: string | undefined): Type<unknown>[] {
  if (!spec) return [];
  const [file, exportName] = spec.split('#');
  const cls = (require(file) as Record<string, unknown>)[exportName];
  if (typeof cls !== 'function') throw new Error(`${file} does not export a class ${exportName}`);
  return [cls as Type<unknown>];
}

/** Root module of a nestjs-serve server. */
@Module({
  imports: [
    ServeModule.forRoot({
      backends: loadBackend(process.env.BENCH_BACKEND),
      ...(process.env.BENCH_NICE === undefined ? {} : { replicaNice: Number(process.env.BENCH_NICE) }),
    }),
  ],
  controllers: [StatsController],
})
export class ServeServerModule {}

runServer(() => startBenchServer(ServeServerModule));
