import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Body, Catch, Controller, Get, Inject, Post, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ServeError, ServeService } from '../../src';
import { serveAppForSuite } from '../helpers/serve-app';
import { LossyBackend } from '../fixtures/lossy.backend';

@Controller('admin')
class AdminController {
  constructor(@Inject(ServeService) private readonly serve: ServeService) {}

  @Post('traffic')
  traffic(@Body() weights: Record<string, number>) {
    return this.serve.setTraffic('/lossy/fine', weights);
  }

  @Post('config')
  config(@Body() config: Record<string, unknown>) {
    return this.serve.updateBackendConfig('LossyBackend', config);
  }

  @Get('busy')
  busy() {
    throw new ServeError('OVERLOADED', "Backend 'LossyBackend' is busy: retry later.", { retryAfterSeconds: 2 });
  }
}

/** A catch-all filter of the app, registered with useGlobalFilters(): it sees what the route threw. */
@Catch()
class CatchAllFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    const error = exception as { name?: string; status?: number; code?: string };
    host.switchToHttp().getResponse().status(599).json({ name: error.name, status: error.status, code: error.code });
  }
}

describe("what a newcomer's app sees", () => {
  const s = serveAppForSuite({ backends: [LossyBackend], exposeErrors: true }, { controllers: [AdminController] });

  test('a handler returning a Map, a Set or a BigInt gets a 500 naming the backend, the method and what to return', async () => {
    const map = await s.http.get('/lossy/map').expect(500);
    assert.equal(map.body.backend, 'LossyBackend');
    assert.match(map.body.message, /method 'map' returned a Map at result.*Object.fromEntries/);
    const set = await s.http.get('/lossy/set').expect(500);
    assert.match(set.body.message, /method 'set' returned a Set at result.tags/);
    const big = await s.http.get('/lossy/bigint').expect(500);
    assert.match(big.body.message, /method 'bigint' returned a BigInt at result.id/);
    const fine = await s.http.get('/lossy/fine').expect(200);
    assert.deepEqual(fine.body, { tags: ['a'], at: '1970-01-01T00:00:00.000Z' });
  });

  test("a ServeService error in the app's own controller answers its status, not 500", async () => {
    const unknown = await s.http.post('/admin/traffic').send({ NoSuchBackend: 1 }).expect(404);
    assert.match(unknown.body.message, /Backend 'NoSuchBackend' does not exist/);
    const invalid = await s.http.post('/admin/config').send({ numReplicas: 0 }).expect(400);
    assert.match(invalid.body.message, /'numReplicas' is 0/);
    const typo = await s.http.post('/admin/config').send({ numReplica: 2 }).expect(400);
    assert.match(typo.body.message, /did you mean 'numReplicas'/);
  });

  test("a retryable ServeError in the app's own route answers 503 with Retry-After", async () => {
    const busy = await s.http.get('/admin/busy').expect(503);
    assert.equal(busy.headers['retry-after'], '2');
    assert.match(busy.body.message, /LossyBackend' is busy/);
  });
});

describe("an app's catch-all exception filter (useGlobalFilters)", () => {
  const s = serveAppForSuite(
    { backends: [LossyBackend] },
    { controllers: [AdminController], configure: (app) => app.useGlobalFilters(new CatchAllFilter()) },
  );

  test('sees the ServeError itself, with its HTTP status and code (documented in newcomers.md)', async () => {
    const res = await s.http.get('/admin/busy').expect(599);
    assert.deepEqual(res.body, { name: 'ServeError', status: 503, code: 'OVERLOADED' });
  });
});

test('a backend declared in the entry file fails start-up with "move the class to its own file"', async () => {
  const entry = join(__dirname, '../fixtures/entry-file/main.ts');
  const run = promisify(execFile)(process.execPath, ['-r', '@swc-node/register', entry], { timeout: 30_000 });
  const err = (await run.then(
    () => assert.fail('the app started'),
    (e: unknown) => e,
  )) as { code: number; stdout: string };
  assert.equal(err.code, 1);
  assert.match(
    err.stdout,
    /START-UP FAILED: Backend class 'EntryFileBackend' is declared in .*main\.ts, the app's entry file/,
  );
  assert.match(err.stdout, /Move the class to its own file/);
});
