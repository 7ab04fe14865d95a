import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule, type HealthIndicatorResult } from '@nestjs/terminus';
import { ServeHealthIndicator, type ServeHealthDetails, type ServeHealthResult } from '../../src';
import { FaultBackend } from '../fixtures/fault.backend';
import { Scorer } from '../fixtures/observing/observing.backends';
import { EchoBackend } from '../fixtures/echo.backend';
import { serveAppForSuite, sleep, startServeApp, waitFor } from '../helpers/serve-app';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly serve: ServeHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.serve.isHealthy('serve')]);
  }
}

/** Type-level: the indicator's own result type is Terminus' result type, both ways. */
export const asTerminus = (
  result: ServeHealthResult,
): HealthIndicatorResult<'serve', 'up' | 'down', ServeHealthDetails> => result;
export const fromTerminus = (
  result: HealthIndicatorResult<'serve', 'up' | 'down', ServeHealthDetails>,
): ServeHealthResult => result;

describe('Terminus health check of a running app', () => {
  const s = serveAppForSuite(
    { backends: [Scorer], healthCheckPeriodMs: 200 },
    { imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController] },
  );

  test('200 when every backend has a ready replica', async () => {
    const res = await s.http.get('/health').expect(200);
    assert.equal(res.body.status, 'ok');
    assert.deepEqual(res.body.info.serve.backends.scorer, { state: 'HEALTHY', ready: 2, desired: 2 });
  });

  test('503 with the reason when a backend has no ready replica, 200 again once it recovers', async () => {
    const flag = join(tmpdir(), `nestjs-serve-health-${process.pid}`);
    rmSync(flag, { force: true });
    await s.serve.createBackend('fragile', FaultBackend, { numReplicas: 1, initArgs: [flag] });
    await s.serve.createEndpoint('fragile', { backend: 'fragile', route: '/fragile', methods: ['GET'] });
    try {
      writeFileSync(flag, 'x');
      await s.http.get('/fragile').set('x-serve-call-method', 'exit').expect(503);
      await waitFor('the health check to fail', async () => (await s.http.get('/health')).status === 503);
      const res = await s.http.get('/health').expect(503);
      assert.equal(res.body.status, 'error');
      assert.equal(res.body.error.serve.status, 'down');
      assert.match(
        res.body.error.serve.reason,
        /Backend 'fragile' has 0 of 1 replicas ready: replica fragile#1 died|Backend 'fragile' has no ready replica/,
      );
      await waitFor(
        'its replacement to fail',
        async () => (await s.http.get('/health')).body.error?.serve.backends.fragile.state === 'DEPLOY_FAILED',
      );
      const failed = await s.http.get('/health').expect(503);
      assert.match(
        failed.body.error.serve.reason,
        /Backend 'fragile' has no ready replica: replica fragile#\d+ failed to start \(.*constructor blocked/,
      );
      assert.equal(res.body.info.serve, undefined);
    } finally {
      rmSync(flag, { force: true });
    }
    await waitFor('recovery', async () => (await s.http.get('/health')).status === 200, 20_000);
    await s.serve.deleteEndpoint('fragile');
    await s.serve.deleteBackend('fragile');
  });
});

describe('without @nestjs/terminus installed', () => {
  test('the built package loads and an app starts; the indicator still answers', () => {
    const root = resolve(__dirname, '../..');
    // Hides @nestjs/terminus from require(), as in an app that never installed it.
    const hide = `const M = require('module'); const r = M._resolveFilename;
      M._resolveFilename = function (request, ...rest) {
        if (request === '@nestjs/terminus' || request.startsWith('@nestjs/terminus/')) {
          const e = new Error("Cannot find module '" + request + "'"); e.code = 'MODULE_NOT_FOUND'; throw e;
        }
        return r.call(this, request, ...rest);
      };`;
    const app = `
      const assert = require('node:assert/strict');
      assert.throws(() => require('@nestjs/terminus'), /Cannot find module/);
      const { Module } = require('@nestjs/common');
      const { NestFactory } = require('@nestjs/core');
      const serve = require('./dist');
      class AppModule {}
      Module({ imports: [serve.ServeModule.forRoot({ backends: [] })] })(AppModule);
      (async () => {
        const app = await NestFactory.create(AppModule, { logger: false });
        await app.init();
        const result = app.get(serve.ServeHealthIndicator).isHealthy('serve');
        assert.equal(result.serve.status, 'up');
        await app.close();
        process.stdout.write('started without terminus');
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const out = execFileSync(process.execPath, ['-e', `${hide}\n${app}`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(out, 'started without terminus');
  });
});

describe('health pings', () => {
  test('a timeout shorter than the period kills no idle replica: it counts from each ping', async () => {
    const s = await startServeApp({
      backends: [EchoBackend],
      healthCheckPeriodMs: 1000,
      healthCheckTimeoutMs: 200,
    });
    try {
      await sleep(3500);
      const backend = Object.values(s.serve.listBackends())[0];
      assert.equal(backend.restarts, 0, `no restart; last error: ${backend.lastError}`);
      assert.ok(backend.replicas.every((r) => r.state === 'ready'));
    } finally {
      await s.close();
    }
  });
});
