import assert from 'node:assert/strict';
import { Module, type Type } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { describe, test } from 'node:test';
import { ServeError, ServeModule, type ServeModuleOptions } from '../../src';
import { httpAdapters } from '../helpers/http-adapters';
import { RecordingLogger } from '../helpers/recording-logger';
import { startServeApp, type ServeApp } from '../helpers/serve-app';
import { FnBackend, LowerFoo, PlainP, PlainP2, TwiceBound, UpperFoo } from '../fixtures/route-conflicts.backends';

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

/** An app whose log lines are kept. */
async function startLogged(options: ServeModuleOptions, adapter: AbstractHttpAdapter) {
  const logs = new RecordingLogger();
  const s = await startServeApp(options, { adapter, configure: (app) => app.useLogger(logs) });
  return { s, logs };
}

async function withApp(s: ServeApp, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    await s.close();
  }
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

    test('routes differing only in case: refused when the host ignores case, two endpoints when it does not', async () => {
      for (const caseSensitive of [false, true]) {
        const s = await startServeApp({ backends: [PlainP, PlainP2] }, { adapter: adapter.create({ caseSensitive }) });
        await withApp(s, async () => {
          await s.serve.createEndpoint('m6', { backend: 'PlainP', route: '/Foo' });
          const second = s.serve.createEndpoint('m7', { backend: 'PlainP2', route: '/foo' });
          if (!caseSensitive) {
            await assert.rejects(second, (err: ServeError) => {
              assert.equal(err.code, 'CONFLICT');
              assert.equal(err.status, 409);
              assert.match(
                err.message,
                /Route '\/foo' of endpoint 'm7' differs from route '\/Foo' of endpoint 'm6' only in case, and the app's router ignores case/,
              );
              return true;
            });
            assert.equal('m7' in s.serve.listEndpoints(), false);
            assert.equal((await s.http.get('/foo').expect(200)).text, 'p', 'the first endpoint keeps every case');
            return;
          }
          await second;
          assert.equal((await s.http.get('/Foo').expect(200)).text, 'p');
          assert.equal((await s.http.get('/foo').expect(200)).text, 'p2');
          await s.http.get('/FOO').expect(404);
        });
      }
    });

    test('routes with parameters differing only in case are ambiguous when the host ignores case', async () => {
      const s = await startServeApp({ backends: [PlainP] }, { adapter: adapter.create({ caseSensitive: false }) });
      await withApp(s, async () => {
        await s.serve.createEndpoint('upper', { backend: 'PlainP', route: '/Models/:a' });
        await assert.rejects(
          s.serve.createEndpoint('lower', { backend: 'PlainP', route: '/models/:b' }),
          /'\/models\/:b' of endpoint 'lower'.*'\/Models\/:a' of endpoint 'upper'/,
        );
      });
    });

    test('declared routes differing only in case fail start-up when the host ignores case', async () => {
      const err = await startupError([UpperFoo, LowerFoo], adapter.create({ caseSensitive: false }));
      assert.match(
        err.message,
        /Route '\/foo' of endpoint '\/foo' differs from route '\/Foo' of endpoint '\/Foo' only in case/,
      );
      const s = await startServeApp(
        { backends: [UpperFoo, LowerFoo] },
        { adapter: adapter.create({ caseSensitive: true }) },
      );
      await withApp(s, async () => {
        assert.equal((await s.http.get('/foo').expect(200)).text, 'foo');
        assert.equal((await s.http.get('/Foo').expect(200)).text, 'Foo');
      });
    });

    for (const option of ['dashboard', 'metrics'] as const) {
      test(`an endpoint on the ${option} path is warned about, at start-up and when created`, async () => {
        const observing = option === 'dashboard' ? { dashboard: { path: '/fn' } } : { metrics: { path: '/fn' } };
        const { s, logs } = await startLogged({ backends: [FnBackend, PlainP], ...observing }, adapter.create());
        await withApp(s, async () => {
          const what = option === 'dashboard' ? 'status page' : 'metrics';
          const warning = (endpoint: string) =>
            logs.lines.find((l) => l.startsWith(`Endpoint '${endpoint}' will get no request`));
          assert.match(
            warning('/fn') ?? logs.lines.join('\n'),
            new RegExp(`/fn is nestjs-serve's ${what} \\(option ${option}.path\\)`),
          );
          await s.serve.deleteEndpoint('/fn');
          await s.serve.createEndpoint('late', { backend: 'PlainP', route: '/fn/' });
          assert.match(warning('late') ?? '', /Give the endpoint another route/);
          await s.serve.createEndpoint('free', { backend: 'PlainP', route: '/free' });
          assert.equal(warning('free'), undefined, 'an endpoint on a free route gets no warning');
        });
      });
    }
  });
}
