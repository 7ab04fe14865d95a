import assert from 'node:assert/strict';
import { Module, type Type } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { describe, test } from 'node:test';
import { ServeError, ServeModule } from '../../src';
import { httpAdapters } from '../helpers/http-adapters';
import { TwiceBound } from '../fixtures/route-conflicts.backends';

/** The error app.init() fails with; the app is closed either way, so no replica outlives the test. */
async function startupError(backends: Type<unknown>[], adapter: AbstractHttpAdapter): Promise<Error> {
  @Module({ imports: [ServeModule.forRoot({ backends, healthCheckPeriodMs: 200 })] })
  class M {}
  const app = await NestFactory.create(M, adapter, { logger: false, abortOnError: false });
  try {
    await app.init();
  } catch (err) {
    await app.close().catch(() => undefined);
    return err as Error;
  }
  await app.close();
  throw new Error('app.init() should have failed');
}

for (const adapter of httpAdapters) {
  describe(`route conflicts on ${adapter.name}`, () => {
    test('one route bound twice in one class fails start-up, naming the backend, the route and both methods', async () => {
      const err = await startupError([TwiceBound], adapter.create());
      assert.ok(err instanceof ServeError, String(err));
      assert.equal(err.code, 'CONFLICT');
      assert.match(
        err.message,
        /Endpoint '\/c1' \(route '\/c1'\) is bound twice in backend 'TwiceBound', by methods 'x' and 'y'/,
      );
    });
  });
}
