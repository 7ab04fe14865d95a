import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Test } from '@nestjs/testing';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import type { ServeStatus } from '../../src/interfaces/serve-status.interface';
import { ServeHealthIndicator } from '../../src/health/serve.health-indicator';
import { SERVE_HEALTH_SOURCE } from '../../src/health/serve-health.source';
import { fakeBackend, fakeStatus } from '../helpers/fake-status';

function indicator(status: ServeStatus, shuttingDown = false) {
  return new ServeHealthIndicator({ status: () => status, shuttingDown });
}

test('up when every backend has a ready replica, with each backend’s state and counts', () => {
  const status = fakeStatus([fakeBackend('a', 2), fakeBackend('b', 1)]);
  status.backends.a.replicas[1].state = 'STARTING';
  assert.deepEqual(indicator(status).isHealthy(), {
    serve: {
      status: 'up',
      backends: {
        a: { state: 'HEALTHY', ready: 1, desired: 2 },
        b: { state: 'HEALTHY', ready: 1, desired: 1 },
      },
    },
  });
});

test('down, with the backend’s reason, when a backend has no ready replica', () => {
  const failed = fakeBackend('model', 1, {
    state: 'DEPLOY_FAILED',
    reason: "Backend 'model' has no ready replica: replica model#1 failed to start (no weights).",
  });
  failed.replicas[0].state = 'STARTING';
  const result = indicator(fakeStatus([fakeBackend('ok'), failed])).isHealthy('models');
  assert.equal(result.models.status, 'down');
  assert.match(
    String(result.models.reason),
    /Backend 'model' has no ready replica: .*model#1 failed to start \(no weights\)/,
  );
  assert.deepEqual(result.models.backends, {
    ok: { state: 'HEALTHY', ready: 2, desired: 2 },
    model: { state: 'DEPLOY_FAILED', ready: 0, desired: 1 },
  });
});

test('a backend configured with no replica, and an app with no backend, are up', () => {
  const none = fakeBackend('idle', 0);
  assert.equal(indicator(fakeStatus([none])).isHealthy().serve.status, 'up');
  assert.equal(indicator({ ...fakeStatus([none]), backends: {} }).isHealthy().serve.status, 'up');
});

test('down with "shutting down" during the drain', () => {
  const result = indicator(fakeStatus([fakeBackend('a')]), true).isHealthy();
  assert.equal(result.serve.status, 'down');
  assert.match(String(result.serve.reason), /shutting down/);
});

test('Terminus’ HealthCheckService reads it: ok when up, a 503 error with the reason when down', async () => {
  const source = { status: () => fakeStatus([fakeBackend('a')]), shuttingDown: false };
  const moduleRef = await Test.createTestingModule({
    imports: [TerminusModule],
    providers: [ServeHealthIndicator, { provide: SERVE_HEALTH_SOURCE, useValue: source }],
  }).compile();
  const health = moduleRef.get(HealthCheckService);
  const serve = moduleRef.get(ServeHealthIndicator);
  const ok = await health.check([() => serve.isHealthy('serve')]);
  assert.equal(ok.status, 'ok');
  assert.equal(ok.info?.serve?.status, 'up');

  const broken = fakeBackend('a', 1, { state: 'UNHEALTHY', reason: "Backend 'a' has 0 of 1 replicas ready." });
  broken.replicas[0].state = 'UNHEALTHY';
  source.status = () => fakeStatus([broken]);
  await assert.rejects(
    health.check([() => serve.isHealthy('serve')]),
    (error: Error & { getStatus(): number; getResponse(): unknown }) => {
      assert.equal(error.getStatus(), 503);
      const body = error.getResponse() as { status: string; error: { serve: { reason: string } } };
      assert.equal(body.status, 'error');
      assert.match(body.error.serve.reason, /Backend 'a' has 0 of 1 replicas ready/);
      return true;
    },
  );
  await moduleRef.close();
});
