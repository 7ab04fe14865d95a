import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import { listenForProfilerCommands } from './profiler';

/** Message a server child sends its parent over IPC once it listens. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
  pid: number;
}

/**
 * Starts a Nest app (Express, or Fastify with `BENCH_ADAPTER=fastify`; errors-only logging unless `BENCH_LOGGER=default`) on 127.0.0.1 at a free port, waits for
 * `beforeReady` if given (e.g. until remote replicas joined), reports the port to the parent over
 * IPC (and on stdout), and stops when the parent says `stop` (graceful `app.close()`) or goes
 * away (immediate exit, so no server outlives the benchmark).
 */
export async function startBenchServer(
  module: Type<unknown>,
  onClose?: () => Promise<void>,
  beforeReady?: (app: INestApplication) => Promise<void>,
): Promise<INestApplication> {
  process.on('disconnect', () => process.exit(0));
  // `BENCH_LOGGER=default`: Nest's default logger, as in a user's app (rows `.noop`)
  const options = process.env.BENCH_LOGGER === 'default' ? {} : { logger: ['error' as const] };
  const app =
    process.env.BENCH_ADAPTER === 'fastify'
      ? await NestFactory.create(module, fastifyAdapter(), options)
      : await NestFactory.create(module, options);
  await app.listen(0, '127.0.0.1');
  await beforeReady?.(app);
  const port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stop') return;
    void (async () => {
      try {
        await app.close();
        await onClose?.();
      } finally {
        process.exit(0);
      }
    })();
  });
  listenForProfilerCommands();
  const ready: ReadyMessage = { type: 'ready', port, pid: process.pid };
  if (process.send) process.send(ready);
  else console.log(JSON.stringify(ready));
  return app;
}

/** A Fastify adapter with Fastify's defaults, loaded only for the `*-f` rows. */
function fastifyAdapter(): AbstractHttpAdapter {
  const { FastifyAdapter } = require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify');
  return new FastifyAdapter();
}

/** Runs `main`, printing its error and exiting non-zero if it fails. */
export function runServer(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
