import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { before, describe, test } from 'node:test';
import { Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import request from 'supertest';
import autocannon from 'autocannon';
import { Registry } from 'prom-client';
import { ServeModule } from '../../src';
import { remoteSuite } from '../helpers/replica-host';
import { Scorer, ScorerProc, ScorerRemote } from '../fixtures/observing/observing.backends';
import { serveAppForSuite, startServeApp, waitFor, type ServeApp } from '../helpers/serve-app';
import { scrape, value } from '../helpers/prometheus-scrape';

/** Sends exactly `amount` POSTs of `body` to `path` with autocannon; returns the status counts it saw. */
async function load(s: ServeApp, path: string, body: unknown, amount: number): Promise<Record<string, number>> {
  const { port } = (s.app.getHttpServer() as { address(): AddressInfo }).address();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    connections: 8,
    amount,
  });
  assert.equal(result.errors, 0);
  return result.statusCodeStats as unknown as Record<string, number>;
}

describe('Prometheus metrics of a running app', () => {
  // Its own registry too: the text parser folds a histogram's label sets, so counts by label are read from prom-client's JSON.
  const registry = new Registry();
  const s = serveAppForSuite({ backends: [Scorer, ScorerProc], metrics: { path: '/metrics', registry } });
  before(() => s.app.listen(0, '127.0.0.1'));

  test('counts equal what was sent, by code and outcome; histogram counts match; replica gauges for thread and process replicas', async () => {
    await load(s, '/score', {}, 300);
    await load(s, '/score', { fail: true }, 20);
    await load(s, '/score', { status: 418 }, 10);
    await load(s, '/score-proc', {}, 120);
    const m = await scrape(s);
    const requests = 'nestjs_serve_requests_total';
    assert.equal(value(m, requests, { endpoint: '/score', backend: 'scorer', code: '200', outcome: 'ok' }), 300);
    assert.equal(value(m, requests, { endpoint: '/score', backend: 'scorer', code: '500', outcome: 'error' }), 20);
    assert.equal(value(m, requests, { endpoint: '/score', backend: 'scorer', code: '418', outcome: 'ok' }), 10);
    assert.equal(value(m, requests, { backend: 'scorer-proc', code: '200', outcome: 'ok' }), 120);
    const json = await registry.getMetricsAsJSON();
    for (const h of ['request_duration_seconds', 'request_queue_wait_seconds', 'request_processing_seconds']) {
      assert.equal(m.get(`nestjs_serve_${h}`)?.type, 'HISTOGRAM');
      const counts = json
        .find((x) => x.name === `nestjs_serve_${h}`)!
        .values.filter((v) => (v as { metricName?: string }).metricName === `nestjs_serve_${h}_count`);
      const of = (backend: string) =>
        counts.filter((v) => v.labels.backend === backend).reduce((a, v) => a + v.value, 0);
      assert.deepEqual([of('scorer'), of('scorer-proc')], [330, 120], h);
    }
    const status = s.serve.status();
    assert.equal(status.backends.scorer.figures.requests, 330);
    assert.equal(status.endpoints['/score'].figures.requests, 330);

    await waitFor('vitals of every replica', async () => {
      const g = await scrape(s);
      const rss = g.get('nestjs_serve_replica_resident_memory_bytes')?.metrics ?? [];
      return (
        rss.filter((x) => x.labels?.kind === 'thread').length === 2 &&
        rss.filter((x) => x.labels?.kind === 'process').length === 2
      );
    });
    const g = await scrape(s);
    for (const name of [
      'replica_resident_memory_bytes',
      'replica_heap_used_bytes',
      'replica_event_loop_utilization_ratio',
    ]) {
      const series = g.get(`nestjs_serve_${name}`)!.metrics;
      assert.deepEqual(
        series.map((x) => `${x.labels!.backend} ${x.labels!.replica} ${x.labels!.site} ${x.labels!.kind}`).sort(),
        [
          'scorer scorer#1 local thread',
          'scorer scorer#2 local thread',
          'scorer-proc scorer-proc#1 local process',
          'scorer-proc scorer-proc#2 local process',
        ],
        name,
      );
      for (const x of series) assert.ok(Number(x.value) >= 0);
    }
    assert.equal(value(g, 'nestjs_serve_replicas', { backend: 'scorer', state: 'READY' }), 2);
    assert.equal(value(g, 'nestjs_serve_backend_state', { backend: 'scorer', state: 'HEALTHY' }), 1);
  });

  test('a killed replica shows in restarts and in the status events', async () => {
    const { body } = await s.http.post('/score-proc').send({}).expect(200);
    process.kill(body.pid as number, 'SIGKILL');
    await waitFor(
      'the replacement',
      async () => value(await scrape(s), 'nestjs_serve_replica_restarts_total', { backend: 'scorer-proc' }) === 1,
    );
    const events = s.serve.status().backends['scorer-proc'].events.map((e) => e.type);
    assert.ok(events.includes('replica-died'), events.join());
    assert.ok(events.includes('replica-restarted'), events.join());
    const died = s.serve.status().backends['scorer-proc'].events.find((e) => e.type === 'replica-died')!;
    assert.match(died.message, /Replica scorer-proc#\d died/);
    assert.ok(died.at > Date.now() - 60_000);
  });
});

describe('metrics into the user registry, and a guard on /metrics', () => {
  test('a user registry receives them (with its prefix) and loses them when the app closes', async () => {
    const registry = new Registry();
    const s = await startServeApp({ backends: [Scorer], metrics: { registry, prefix: 'app_serve_' } });
    try {
      for (let i = 0; i < 7; i++) await s.http.post('/score').send({}).expect(200);
      const json = await registry.getMetricsAsJSON();
      const requests = json.find((x) => x.name === 'app_serve_requests_total')!;
      assert.equal(
        requests.values.filter((v) => v.labels.backend === 'scorer').reduce((a, v) => a + v.value, 0),
        7,
      );
      await s.http.get('/metrics').expect(404);
    } finally {
      await s.close();
    }
    assert.equal(registry.getSingleMetric('app_serve_requests_total'), undefined);
  });

  test("the host's guard refuses /metrics as any route of the app", async () => {
    @Injectable()
    class MetricsGuard implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        const req = context.switchToHttp().getRequest<{ path: string; headers: Record<string, string> }>();
        return !req.path.startsWith('/metrics') || req.headers.authorization === 'Bearer scrape';
      }
    }
    const s = await startServeApp(
      { backends: [Scorer], metrics: { path: '/metrics' } },
      { providers: [{ provide: APP_GUARD, useClass: MetricsGuard }] },
    );
    try {
      await s.http.get('/metrics').expect(403);
      const res = await s.http.get('/metrics').set('authorization', 'Bearer scrape').expect(200);
      assert.match(res.text, /nestjs_serve_requests_total/);
      await s.http.post('/score').send({}).expect(200);
    } finally {
      await s.close();
    }
  });

  test('the global prefix applies to the metrics path', async () => {
    const s = await startServeApp(
      { backends: [Scorer], metrics: { path: '/metrics' } },
      { configure: (app) => app.setGlobalPrefix('api') },
    );
    try {
      await s.http.get('/api/metrics').expect(200);
      await s.http.get('/metrics').expect(404);
    } finally {
      await s.close();
    }
  });

  test('paths given to forRootAsync() are served too', async () => {
    @Module({
      imports: [
        ServeModule.forRootAsync({
          useFactory: async () => ({
            backends: [Scorer],
            metrics: { path: '/internal/metrics' },
            dashboard: { path: '/ops' },
          }),
        }),
      ],
    })
    class AsyncAppModule {}
    const app = await NestFactory.create(AsyncAppModule, { logger: false });
    await app.init();
    try {
      const http = request(app.getHttpServer());
      await http.post('/score').send({}).expect(200);
      assert.match(
        (await http.get('/internal/metrics').expect(200)).text,
        /nestjs_serve_requests_total\{endpoint="\/score"/,
      );
      assert.match((await http.get('/ops').expect(200)).text, /<html/);
      assert.equal((await http.get('/ops/status.json').expect(200)).body.backends.scorer.figures.requests, 1);
    } finally {
      await app.close();
    }
  });

  test('bad metrics and dashboard options are refused, naming the option', async () => {
    await assert.rejects(startServeApp({ backends: [], metrics: { path: 'metrics' } }), /metrics.*path/);
    await assert.rejects(startServeApp({ backends: [], metrics: { prefix: '9x' } }), /metrics.*prefix/);
    await assert.rejects(
      startServeApp({ backends: [], metrics: { path: '/x' }, dashboard: { path: '/x/' } }),
      /metrics.path and dashboard.path are both/,
    );
    await assert.rejects(startServeApp({ backends: [], dashboard: {} as { path: string } }), /dashboard.*path/);
  });
});

describe('metrics of remote replicas', () => {
  const remote = remoteSuite(
    { backends: [ScorerRemote], metrics: { path: '/metrics' } },
    { modules: ['test/fixtures/observing/observing.backends.ts'], backends: ['scorer-remote'], name: 'gpu-box' },
  );

  test('a replica on a replica host reports its vitals on the health ping, labelled with its site', async () => {
    const s = remote.app;
    await waitFor('the remote replica', () =>
      s.serve.status().backends['scorer-remote'].replicas.some((r) => r.state === 'READY'),
    );
    for (let i = 0; i < 5; i++) await s.http.post('/score-remote').send({}).expect(200);
    await waitFor(
      'its vitals',
      async () => (await scrape(s)).get('nestjs_serve_replica_heap_used_bytes')?.metrics.length === 1,
    );
    const m = await scrape(s);
    const [rss] = m.get('nestjs_serve_replica_resident_memory_bytes')!.metrics;
    assert.deepEqual(rss.labels, {
      backend: 'scorer-remote',
      replica: 'scorer-remote#1',
      site: 'gpu-box',
      kind: 'thread',
    });
    assert.ok(Number(rss.value) > 1e6);
    assert.equal(value(m, 'nestjs_serve_requests_total', { backend: 'scorer-remote', code: '200' }), 5);
    assert.equal(s.serve.status().backends['scorer-remote'].replicas[0].site, 'gpu-box');
  });
});
