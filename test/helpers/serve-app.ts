import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { after, before } from 'node:test';
import request from 'supertest';
import { ServeModule, ServeService, type ServeModuleOptions } from '../../src';

/** A running test app: the Nest app, a supertest agent on its HTTP server, and its ServeService. */
export interface ServeApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  serve: ServeService;
  close(): Promise<void>;
}

/** Starts a real Nest app (Express unless `adapter` says otherwise) with ServeModule and extra controllers/providers/modules. */
export async function startServeApp(
  options: ServeModuleOptions,
  extra: {
    controllers?: Type<unknown>[];
    providers?: unknown[];
    imports?: (Type<unknown> | DynamicModule)[];
    configure?: (app: INestApplication) => void;
    /** The HTTP adapter to run on (default: Nest's default, Express). */
    adapter?: AbstractHttpAdapter;
  } = {},
): Promise<ServeApp> {
  @Module({
    imports: [ServeModule.forRoot({ healthCheckPeriodMs: 200, ...options }), ...(extra.imports ?? [])],
    controllers: extra.controllers ?? [],
    providers: (extra.providers ?? []) as never[],
  })
  class TestAppModule {}
  const logger = process.env.TEST_LOGS ? undefined : false;
  const app = extra.adapter
    ? await NestFactory.create(TestAppModule, extra.adapter, { logger })
    : await NestFactory.create(TestAppModule, { logger });
  extra.configure?.(app);
  await app.init();
  // Fastify routes requests only once ready; listen() waits for it, supertest on the bare server does not.
  if (app.getHttpAdapter().getType() === 'fastify')
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  return {
    app,
    http: request(app.getHttpServer()),
    serve: app.get(ServeService),
    close: () => app.close(),
  };
}

/**
 * One app for the tests of the enclosing `describe`: started before them, closed after them.
 * The returned object becomes that app once the `before` hook has run.
 */
export function serveAppForSuite(
  options: ServeModuleOptions,
  extra: Parameters<typeof startServeApp>[1] = {},
): ServeApp {
  const app = {} as ServeApp;
  before(async () => {
    Object.assign(app, await startServeApp(options, extra));
  });
  after(() => app.close());
  return app;
}

/** Counts values. */
export function tally<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it holds; throws naming `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
