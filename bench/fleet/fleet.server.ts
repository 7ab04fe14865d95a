/**
 * One app instance of the fleet bench (`bench/fleet.ts`): a Nest app with the two fleet backends
 * and `cluster.fleet` on (`FLEET_SERVERS`, `FLEET_PREFIX`, `FLEET_NAME`). It reports `{ type:
 * 'ready', port }` over IPC once it listens, and answers the orchestrator's IPC commands with `{
 * type: 'ack', id, ... }`: `traffic` (setTraffic on this instance, timed), `burst` (many
 * conflicting setTraffic calls at once), `config` (updateBackendConfig), `state` (its revision,
 * traffic, rollout, and FleetOne's replicas and last autoscaling move), `stop`.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  ServeModule,
  ServeService,
  isServeError,
  type AutoscalingDecisionStatus,
  type BackendConfig,
  type RolloutOptions,
  type RolloutProgress,
} from '../../src';
import { FleetOne, FleetTwo } from '../backends/fleet.backend';

/** A command from the orchestrator. */
export type FleetCommand =
  | { type: 'traffic'; id: number; weights: Record<string, number> }
  | { type: 'burst'; id: number; writes: Record<string, number>[] }
  | { type: 'state'; id: number }
  | { type: 'rollout'; id: number; backend: string; options: RolloutOptions }
  | { type: 'abort'; id: number }
  | { type: 'config'; id: number; backend: string; config: BackendConfig }
  | { type: 'stop'; id: number };

/** What the `state` command answers: this instance's view of the fleet and of the `fleet` endpoint. */
export interface InstanceState {
  revision: number;
  traffic: Record<string, number>;
  /** Live instances this one hears of. */
  live: number;
  /** The decider, as `name (id)`. */
  decider?: string;
  /** This instance, as `name (id)`. */
  self: string;
  rollout?: RolloutProgress;
  /** FleetOne's replicas running here, and its last autoscaling move as this instance sees it. */
  one: { replicas: number; lastScale?: AutoscalingDecisionStatus };
}

/** How one write of a burst ended. */
export interface BurstOutcome {
  weights: Record<string, number>;
  ok: boolean;
  /** The error's code (`CONFLICT` for a 409) when it failed. */
  code?: string;
  message?: string;
}

@Module({
  imports: [
    ServeModule.forRoot({
      backends: [FleetOne, FleetTwo],
      cluster: {
        servers: process.env.FLEET_SERVERS!,
        prefix: process.env.FLEET_PREFIX!,
        name: process.env.FLEET_NAME,
        fleet: { heartbeatPeriodMs: 250, applyTimeoutMs: 20_000 },
      },
    }),
  ],
})
class FleetServerModule {}

async function main(): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  const app = await NestFactory.create(FleetServerModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const serve = app.get(ServeService);
  const reply = (id: number, body: object) => process.send?.({ type: 'ack', id, ...body });
  process.on('message', (command: FleetCommand) => {
    void (async () => {
      try {
        if (command.type === 'traffic') {
          const started = performance.now();
          await serve.setTraffic('fleet', command.weights);
          reply(command.id, { ms: performance.now() - started });
        } else if (command.type === 'burst') {
          const outcomes = await Promise.all(
            command.writes.map((weights) =>
              serve.setTraffic('fleet', weights).then(
                (): BurstOutcome => ({ weights, ok: true }),
                (err: unknown): BurstOutcome => ({
                  weights,
                  ok: false,
                  code: isServeError(err) ? err.code : undefined,
                  message: (err as Error).message,
                }),
              ),
            ),
          );
          reply(command.id, { outcomes });
        } else if (command.type === 'state') {
          const status = serve.status();
          reply(command.id, {
            revision: status.fleet?.revision,
            traffic: serve.listEndpoints().fleet?.traffic,
            live: status.fleet?.instances.filter((i) => i.live).length,
            decider: status.fleet?.decider,
            self: `${process.env.FLEET_NAME} (${status.fleet?.instance})`,
            rollout: status.endpoints.fleet?.rollout,
            one: {
              replicas: status.backends.FleetOne.replicas.filter((r) => r.state === 'READY').length,
              lastScale: status.backends.FleetOne.autoscaling?.lastDecision,
            },
          });
        } else if (command.type === 'rollout') {
          reply(command.id, { result: await serve.rollout('fleet', command.backend, command.options) });
        } else if (command.type === 'config') {
          await serve.updateBackendConfig(command.backend, command.config);
          reply(command.id, {});
        } else if (command.type === 'abort') {
          await serve.abortRollout('fleet');
          reply(command.id, {});
        } else if (command.type === 'stop') {
          await app.close();
          reply(command.id, {});
          process.exit(0);
        }
      } catch (err) {
        reply(command.id, { error: (err as Error).message });
      }
    })();
  });
  process.send?.({
    type: 'ready',
    port: (app.getHttpServer() as Server).address() && ((app.getHttpServer() as Server).address() as AddressInfo).port,
  });
}

void main();
