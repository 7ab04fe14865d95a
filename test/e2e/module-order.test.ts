import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type CanActivate,
  Controller,
  type DynamicModule,
  type ExecutionContext,
  Get,
  type INestApplication,
  Module,
  Param,
  Type,
  VersioningType,
} from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost, NestFactory, RouterModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import { ServeModule, ServeService } from '../../src';
import { EchoBackend } from '../fixtures/echo.backend';
import { HiddenBackend } from '../fixtures/hidden.backend';
import { httpAdapters, type HttpAdapterCase } from '../helpers/http-adapters';
import { RecordingLogger } from '../helpers/recording-logger';

// Routes kept in feature modules, as Nest apps lay them out: each must keep answering wherever
// ServeModule stands in the root module's imports.

@Controller('users')
class UsersController {
  @Get()
  list() {
    return { served: 'users' };
  }
  @Get(':id')
  one(@Param('id') id: string) {
    return { served: 'user', id };
  }
}
@Module({ controllers: [UsersController] })
class UsersModule {}

@Controller('health')
class HealthController {
  constructor(private readonly health: HealthCheckService) {}
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([]);
  }
}
@Module({ imports: [TerminusModule], controllers: [HealthController] })
class HealthModule {}

@Controller({ path: 'things', version: '1' })
class ThingsController {
  @Get()
  things() {
    return { served: 'things v1' };
  }
}
@Module({ controllers: [ThingsController] })
class ThingsModule {}

@Controller('reports')
class ReportsController {
  @Get()
  reports() {
    return { served: 'admin reports' };
  }
}
@Module({ controllers: [ReportsController] })
class AdminModule {}

/** Refuses requests that carry `x-deny`: the host's guard, applied to endpoints as to routes. */
class DenyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    return req.headers['x-deny'] === undefined;
  }
}

type Position = 'first' | 'middle' | 'last';
const positions: Position[] = ['first', 'middle', 'last'];

interface Layout {
  name: string;
  prefix: string;
  configure(app: INestApplication): void;
}
const layouts: Layout[] = [
  { name: 'no prefix', prefix: '', configure: () => undefined },
  { name: "setGlobalPrefix('api')", prefix: '/api', configure: (app) => app.setGlobalPrefix('api') },
];

function rootImports(position: Position): (Type<unknown> | DynamicModule)[] {
  const serve = ServeModule.forRoot({ backends: [EchoBackend], healthCheckPeriodMs: 200 });
  const features: (Type<unknown> | DynamicModule)[] = [
    UsersModule,
    HealthModule,
    ThingsModule,
    AdminModule,
    RouterModule.register([{ path: 'admin', module: AdminModule }]),
  ];
  if (position === 'first') return [serve, ...features];
  if (position === 'last') return [...features, serve];
  return [features[0], features[1], serve, ...features.slice(2)];
}

async function startApp(adapter: HttpAdapterCase, position: Position, layout: Layout): Promise<INestApplication> {
  @Module({ imports: rootImports(position), providers: [{ provide: APP_GUARD, useClass: DenyGuard }] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, adapter.create(), {
    logger: process.env.TEST_LOGS ? undefined : false,
  });
  layout.configure(app);
  app.enableVersioning({ type: VersioningType.URI });
  await app.init();
  if (adapter.name === 'fastify') await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  return app;
}

for (const adapter of httpAdapters) {
  for (const layout of layouts) {
    for (const position of positions) {
      describe(`ServeModule ${position} among the app's feature modules (${adapter.name}, ${layout.name})`, () => {
        let app: INestApplication;
        let http: ReturnType<typeof request>;
        const p = layout.prefix;
        before(async () => {
          app = await startApp(adapter, position, layout);
          http = request(app.getHttpServer());
        });
        after(() => app?.close());

        test('the routes of every feature module answer', async () => {
          assert.deepEqual((await http.get(`${p}/users`).expect(200)).body, { served: 'users' });
          assert.deepEqual((await http.get(`${p}/users/7`).expect(200)).body, { served: 'user', id: '7' });
          assert.equal((await http.get(`${p}/health`).expect(200)).body.status, 'ok');
          assert.deepEqual((await http.get(`${p}/v1/things`).expect(200)).body, { served: 'things v1' });
          assert.deepEqual((await http.get(`${p}/admin/reports`).expect(200)).body, { served: 'admin reports' });
        });

        test('the endpoint answers, behind the host guard', async () => {
          const res = await http.get(`${p}/echo`).query({ q: '1' }).expect(200);
          assert.equal(res.body.path, '/echo');
          assert.deepEqual(res.body.query, { q: '1' });
          await http.get(`${p}/echo`).set('x-deny', '1').expect(403);
          await http.get(`${p}/users`).set('x-deny', '1').expect(403);
        });

        test("a path that is neither gets the host's own 404, before any host guard", async () => {
          const res = await http.get(`${p}/nowhere`).expect(404);
          await http.get(`${p}/nowhere`).set('x-deny', '1').expect(404);
          await http.post(`${p}/nowhere`).set('content-type', 'application/x-unknown').send('x').expect(404);
          assert.match(JSON.stringify(res.body), /Cannot GET|not found/i);
          await http.get(`${p}/v2/things`).expect(404);
          await http.get(`${p}/users/7/extra`).expect(404);
        });

        test('a route method the feature controller lacks is not taken by the endpoint', async () => {
          await http.post(`${p}/users`).send({}).expect(404);
        });
      });
    }
  }
}

for (const adapter of httpAdapters) {
  describe(`an endpoint the app's own route hides (${adapter.name}, setGlobalPrefix('api'))`, () => {
    let app: INestApplication;
    let http: ReturnType<typeof request>;
    const logs = new RecordingLogger();
    before(async () => {
      @Module({
        imports: [
          ServeModule.forRoot({ backends: [HiddenBackend], healthCheckPeriodMs: 200 }),
          UsersModule,
          HealthModule,
        ],
      })
      class AppModule {}
      app = await NestFactory.create(AppModule, adapter.create(), { logger: logs });
      app.setGlobalPrefix('api');
      await app.init();
      if (adapter.name === 'fastify')
        await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
      http = request(app.getHttpServer());
    });
    after(() => app?.close());

    test("the app's route answers, and start-up warns naming the endpoint and the app's route", async () => {
      assert.deepEqual((await http.get('/api/users').expect(200)).body, { served: 'users' });
      assert.deepEqual((await http.get('/api/users/special').expect(200)).body, { served: 'user', id: 'special' });
      const warning = (endpoint: string) =>
        logs.lines.find((l) => l.startsWith(`Endpoint '${endpoint}' will get no GET`));
      assert.match(warning('/users') ?? '', /the app's own route GET \/api\/users answers \/api\/users first/);
      assert.match(warning('/users/special') ?? '', /route GET \/api\/users\/:id answers \/api\/users\/special first/);
      assert.equal(warning('/visible'), undefined, 'an endpoint no app route hides gets no warning');
    });

    test('the start-up lines show the path callers use, global prefix included', () => {
      assert.ok(
        logs.lines.some((l) => l.startsWith("endpoint '/visible': GET, POST /api/visible → HiddenBackend")),
        logs.lines.join('\n'),
      );
    });

    test('the endpoint no app route hides answers under the prefix', async () => {
      assert.deepEqual((await http.post('/api/visible').expect(200)).body, { served: 'endpoint visible' });
    });

    test('an endpoint created at run time on an app route is warned about too', async () => {
      await app.get(ServeService).createEndpoint('health-shadow', { backend: 'HiddenBackend', route: '/health' });
      assert.ok(
        logs.lines.some((l) =>
          l.startsWith("Endpoint 'health-shadow' will get no GET request: the app's own route GET /api/health"),
        ),
      );
      assert.equal((await http.get('/api/health').expect(200)).body.status, 'ok');
    });
  });
}

// Nest's testing module builds the providers before it creates the app and its HTTP adapter.
for (const adapter of httpAdapters) {
  describe(`an app built with Test.createTestingModule(), ServeModule first (${adapter.name})`, () => {
    let app: INestApplication;
    let http: ReturnType<typeof request>;
    const logs = new RecordingLogger();
    // Nest 12 says when the adapter is set (HttpAdapterHost.init$); Nest 11 does not.
    const knowsAdapterLate = 'init$' in HttpAdapterHost.prototype;
    before(async () => {
      const moduleRef = await Test.createTestingModule({ imports: [startAppModule()] }).compile();
      app = moduleRef.createNestApplication(adapter.create(), { logger: logs });
      await app.init();
      if (adapter.name === 'fastify')
        await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
      http = request(app.getHttpServer());
    });
    after(() => app?.close());

    test("the feature module's routes and the endpoint answer", async () => {
      assert.deepEqual((await http.get('/users/7').expect(200)).body, { served: 'user', id: '7' });
      if (adapter.name === 'fastify' && !knowsAdapterLate) {
        assert.ok(
          logs.lines.some((l) => l.startsWith("The app's Fastify adapter was set after nestjs-serve's providers")),
        );
        return;
      }
      assert.equal((await http.get('/echo').expect(200)).body.path, '/echo');
      await http.get('/nowhere').expect(404);
    });
  });
}

function startAppModule(): Type<unknown> {
  @Module({ imports: [ServeModule.forRoot({ backends: [EchoBackend], healthCheckPeriodMs: 200 }), UsersModule] })
  class TestingAppModule {}
  return TestingAppModule;
}
