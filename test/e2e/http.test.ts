import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CallHandler,
  CanActivate,
  ExecutionContext,
  Injectable,
  type MiddlewareConsumer,
  Module,
  NestInterceptor,
  type NestModule,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { map } from 'rxjs';
import { serveAppForSuite, startServeApp, type ServeApp } from '../helpers/serve-app';
import { httpAdapters } from '../helpers/http-adapters';
import { EchoBackend } from '../fixtures/echo.backend';

@Injectable()
class HeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest();
    return req.headers['x-blocked'] !== 'yes';
  }
}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const req = context.switchToHttp().getRequest();
    return next.handle().pipe(map((body) => (req.headers['x-wrap'] === 'yes' ? { wrapped: body } : body)));
  }
}

@Module({})
class MiddlewareModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer
      .apply((_req: unknown, res: { setHeader(n: string, v: string): void }, next: () => void) => {
        res.setHeader('x-middleware', 'ran');
        next();
      })
      .forRoutes('*');
  }
}

for (const adapter of httpAdapters) {
  describe(`HTTP mapping of an endpoint on ${adapter.name}`, () => {
    const s = serveAppForSuite(
      { backends: [EchoBackend] },
      {
        adapter: adapter.create(),
        imports: [MiddlewareModule],
        providers: [
          { provide: APP_GUARD, useClass: HeaderGuard },
          { provide: APP_INTERCEPTOR, useClass: WrapInterceptor },
        ],
      },
    );

    test('a JSON value answers 200 application/json, with query, body and userConfig applied', async () => {
      const res = await s.http.post('/echo?q=1&q=2&x=y').send({ hello: 'world' }).expect(200);
      assert.match(res.headers['content-type'], /application\/json/);
      assert.deepEqual(res.body.body, { hello: 'world' });
      assert.deepEqual(res.body.query, { q: ['1', '2'], x: 'y' });
      assert.equal(res.body.method, 'POST');
      assert.equal(res.body.path, '/echo');
      assert.equal(res.body.greeting, 'hello');
    });

    test("a trailing slash follows the host's setting (Express: reaches the endpoint; Fastify: 404)", async () => {
      await s.http.get('/echo/').expect(adapter.defaults.strict ? 404 : 200);
    });

    test('a string answers text/plain', async () => {
      const res = await s.http.get('/echo').set('x-serve-call-method', 'text').expect(200);
      assert.match(res.headers['content-type'], /text\/plain/);
      assert.equal(res.text, 'plain text');
    });

    test('bytes answer application/octet-stream', async () => {
      const res = await s.http
        .get('/echo')
        .set('x-serve-call-method', 'bytes')
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      assert.equal(res.headers['content-type'], 'application/octet-stream');
      assert.deepEqual([...(res.body as Buffer)], [1, 2, 3]);
    });

    test('a number answers JSON', async () => {
      const res = await s.http.get('/echo').set('x-serve-call-method', 'number').expect(200);
      assert.match(res.headers['content-type'], /application\/json/);
      assert.equal(res.text, '42');
    });

    test('a ServeResponse sets status, headers and body', async () => {
      const res = await s.http.post('/echo').set('x-serve-call-method', 'custom').send({ a: 1 }).expect(201);
      assert.equal(res.headers['x-custom'], 'yes');
      assert.deepEqual(res.body, { created: { a: 1 } });
    });

    test('text and binary request bodies reach the handler as string and bytes', async () => {
      const text = await s.http.post('/echo').set('content-type', 'text/plain').send('just text').expect(200);
      assert.equal(text.body.body, 'just text');
      const bytes = await s.http
        .post('/echo')
        .set('content-type', 'application/octet-stream')
        .send(Buffer.from([9, 8, 7]))
        .expect(200);
      assert.deepEqual(bytes.body.body, { 0: 9, 1: 8, 2: 7 });
    });

    test('a Nest HttpException keeps its status and body', async () => {
      const res = await s.http.get('/echo').set('x-serve-call-method', 'badRequest').expect(400);
      assert.equal(res.body.message, 'no good');
    });

    test('an error with a numeric status keeps it', async () => {
      const res = await s.http.get('/echo').set('x-serve-call-method', 'teapot').expect(418);
      assert.equal(res.body.message, 'short and stout');
    });

    test('any other error is a 500 naming the backend, without stack or internal detail', async () => {
      const res = await s.http.get('/echo').set('x-serve-call-method', 'boom').expect(500);
      assert.equal(res.body.backend, 'EchoBackend');
      assert.match(res.body.message, /EchoBackend/);
      assert.doesNotMatch(res.text, /secret|\/srv|at |\.ts/);
    });

    test('a result that cannot cross to the host is a 500; a payload that cannot cross is refused', async () => {
      await s.http.get('/echo').set('x-serve-call-method', 'unsendable').expect(500);
      await assert.rejects(
        s.serve.getHandle('/echo').remote({ fn: () => 1 }),
        (err: Error & { status: number }) => err.status === 400 && /cannot be sent to replica/.test(err.message),
      );
      await s.http.get('/echo').expect(200);
    });

    test('malformed JSON is a 400 and the handler is not called', async () => {
      const res = await s.http.post('/echo').set('content-type', 'application/json').send('{"broken":').expect(400);
      assert.doesNotMatch(res.text, /greeting/);
    });

    test('a body over the host limit is a 413', async () => {
      await s.http
        .post('/echo')
        .send({ big: 'x'.repeat(1100 * 1024) }) // past both hosts' JSON limits: Express 100 KiB, Fastify 1 MiB
        .expect(413);
      await s.http
        .post('/echo')
        .set('content-type', 'text/plain')
        .send('x'.repeat(200 * 1024))
        .expect(413);
    });

    test('a method the route does not allow is a 405 with an Allow header', async () => {
      const res = await s.http.delete('/echo').expect(405);
      assert.equal(res.headers.allow, 'GET, HEAD, POST');
    });

    test('an unknown route is the host app 404', async () => {
      const res = await s.http.get('/missing').expect(404);
      assert.deepEqual(res.body, { message: 'Cannot GET /missing', error: 'Not Found', statusCode: 404 });
    });

    test('an unknown call method and a bad header are 400s', async () => {
      const unknown = await s.http.get('/echo').set('x-serve-call-method', 'nope').expect(400);
      assert.match(unknown.body.message, /EchoBackend.*nope/);
      await s.http.get('/echo').set('x-serve-call-method', 'constructor').expect(400);
      await s.http.post('/echo').set('x-serve-call-method', 'reconfigure').send({ greeting: 'hacked' }).expect(400);
      assert.equal((await s.http.get('/echo').expect(200)).body.greeting, 'hello');
      await s.http.get('/echo').set('x-serve-call-method', 'a-b').expect(400);
      await s.http.get('/echo').set('x-serve-shard-key', 'k'.repeat(300)).expect(400);
    });

    test('host guards, interceptors and middleware apply to endpoints', async () => {
      await s.http.get('/echo').set('x-blocked', 'yes').expect(403);
      const wrapped = await s.http.get('/echo').set('x-wrap', 'yes').expect(200);
      assert.equal(wrapped.body.wrapped.greeting, 'hello');
      assert.equal(wrapped.headers['x-middleware'], 'ran');
    });

    test('requests reach every replica, even one at a time', async () => {
      const replicas = new Set<string>();
      for (let i = 0; i < 6; i++) replicas.add((await s.http.get('/echo').expect(200)).body.replica);
      assert.equal(replicas.size, 2);
    });
  });

  describe(`bad input at the HTTP edge on ${adapter.name}`, () => {
    let s: ServeApp;
    before(async () => {
      s = await startServeApp({ backends: [EchoBackend] }, { adapter: adapter.create() });
      await s.app.listen(0, '127.0.0.1');
    });
    after(() => s.close());

    test('a JSON body in an unsupported charset is a 415; a form body reaches the handler parsed', async () => {
      await s.http.post('/echo').set('content-type', 'application/json; charset=latin-9').send('{"a":1}').expect(415);
      const form = await s.http.post('/echo').type('form').send('a=1&b=two').expect(200);
      assert.deepEqual(form.body.body, { a: '1', b: 'two' });
    });

    test('huge headers are refused by the host (431) and the endpoint keeps serving', async () => {
      const { port } = s.app.getHttpServer().address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/echo`, { headers: { 'x-big': 'x'.repeat(64 * 1024) } }).catch(
        (err: Error) => err,
      );
      if (!(res instanceof Error)) assert.equal(res.status, 431);
      await s.http.get('/echo').expect(200);
    });

    test('no control API is exposed over HTTP', async () => {
      for (const path of ['/backends', '/endpoints', '/serve', '/serve/backends', '/listBackends']) {
        await s.http.get(path).expect(404);
        await s.http.post(path).send({ numReplicas: 5 }).expect(404);
      }
    });
  });
}
