import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { before, describe, test } from 'node:test';
import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  type INestApplication,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { serveAppForSuite } from '../helpers/serve-app';
import { httpAdapters, type HostRoutingSettings } from '../helpers/http-adapters';
import { rawRequest } from '../helpers/raw-http';
import { PathsBackend } from '../fixtures/paths.backend';

/** The plain Nest routes that answer the oracle's side of every comparison. */
@Controller()
class PlainController {
  @Get('plain2')
  plain2() {
    return { served: 'plain2' };
  }
  @Get('private/plain')
  privatePlain() {
    return { served: 'private/plain' };
  }
  @Get('admin/plain')
  adminPlain() {
    return { served: 'admin/plain' };
  }
}

type Next = () => void;
interface Res {
  statusCode: number;
  end(body: string): void;
}
const AUTH = { 'x-auth': 'ok' };
/** Each trick is sent as these requests; HEAD reaches GET routes, as in Express. */
const requestKinds: readonly [string, Record<string, string>][] = [
  ['GET', {}],
  ['GET', AUTH],
  ['HEAD', {}],
  ['HEAD', AUTH],
];

/** Lets a request through only with `x-auth: ok`; answers 403 otherwise. */
function auth(req: { headers: Record<string, unknown> }, res: Res, next: Next): void {
  if (req.headers['x-auth'] === 'ok') return next();
  res.statusCode = 403;
  res.end('forbidden by middleware');
}

@Module({})
class ScopedMiddlewareModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(auth).forRoutes('private2', 'plain2');
  }
}

/**
 * A global guard that protects everything under `<prefix>/admin`, reading the path as the host's
 * router matched it: Express's `req.path` (raw), or on Fastify the URL decoded as find-my-way does.
 */
class AdminGuard implements CanActivate {
  constructor(private readonly prefix: string) {}
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ path?: string; url: string; headers: Record<string, unknown> }>();
    const path = req.path ?? decodeURI(req.url.split('?')[0].replace(/%25/g, '%2525'));
    return !path.toLowerCase().startsWith(`${this.prefix}/admin`) || req.headers['x-auth'] === 'ok';
  }
}

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');
const lastSegment = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const withSlashes = (p: string, slash: string) =>
  '/' + p.slice(1).replaceAll('/', slash) + (p.slice(1).includes('/') ? '' : slash);

/** Ways to write a path so that it decodes or normalises to another one. */
const tricks: readonly [string, (path: string) => string][] = [
  ['as declared', (p) => p],
  ['trailing slash', (p) => p + '/'],
  ['two trailing slashes', (p) => p + '//'],
  ['leading double slash', (p) => '/' + p],
  ['double slash before the last segment', (p) => p.replace(/\/([^/]*)$/, '//$1')],
  ['first letter %-encoded', (p) => `/%${hex(p[1])}${p.slice(2)}`],
  ['first letter double-encoded', (p) => `/%25${hex(p[1])}${p.slice(2)}`],
  ['last letter %-encoded', (p) => `${p.slice(0, -1)}%${hex(p.at(-1) ?? '')}`],
  ['last segment first letter %-encoded', (p) => p.replace(/\/([^/])([^/]*)$/, (_m, c, rest) => `/%${hex(c)}${rest}`)],
  ['slashes as %2F', (p) => withSlashes(p, '%2F')],
  ['slashes as %2f', (p) => withSlashes(p, '%2f')],
  ['slashes as %2f plus a trailing slash', (p) => withSlashes(p, '%2f') + '/'],
  ['slashes double-encoded %252F', (p) => withSlashes(p, '%252F')],
  ['dot-dot segment in front', (p) => '/x/..' + p],
  ['dot-dot segment behind', (p) => `${p}/../${lastSegment(p)}`],
  ['%2e%2e segment in front', (p) => '/x/%2e%2e' + p],
  ['%2E%2E segment in front', (p) => '/x/%2E%2E' + p],
  ['dot segment in front', (p) => '/.' + p],
  ['upper case', (p) => p.toUpperCase()],
  ['first letter upper case', (p) => '/' + p[1].toUpperCase() + p.slice(2)],
  [';param on the last segment', (p) => p + ';x=1'],
  [';param on the first segment', (p) => p.replace(/^\/([^/]*)/, '/$1;x=1')],
  ['query string', (p) => p + '?a=1'],
  ['encoded question mark', (p) => p + '%3Fa=1'],
  ['encoded NUL', (p) => p + '%00'],
  ['backslash before the last segment', (p) => p.replace(/\/([^/]*)$/, '\\$1')],
  ['stray percent sign', (p) => p + '%'],
  ['invalid escape %zz', (p) => p + '%zz'],
  ['overlong UTF-8 slash %c0%af', (p) => p.replace(/\/([^/]*)$/, '%c0%af$1')],
  ['encoded space', (p) => p + '%20'],
  ['fragment marker, encoded', (p) => p + '%23x'],
];

/** The answer, or status 0 when the host closed the connection without one. */
const answerOf = (server: Server, method: string, path: string, headers: Record<string, string>) =>
  rawRequest(server, method, path, headers).catch(() => ({ status: 0, headers: {}, body: '' }));

interface RoutingCase {
  name: string;
  prefix: string;
  configure?: (app: INestApplication) => void;
  settings?: HostRoutingSettings;
}

const routingCases: readonly RoutingCase[] = [
  { name: 'host defaults', prefix: '' },
  { name: "setGlobalPrefix('api')", prefix: '/api', configure: (app) => app.setGlobalPrefix('api') },
  {
    name: 'case-sensitive and strict routing',
    prefix: '',
    settings: { caseSensitive: true, strict: true },
  },
  {
    name: 'case-insensitive, trailing slash ignored, duplicate slashes merged (Fastify; Express has no such setting)',
    prefix: '',
    settings: { caseSensitive: false, strict: false, ignoreDuplicateSlashes: true },
  },
];

/** Which serve endpoint and which plain route sit behind the same host protection. */
const scopes = (prefix: string) => [
  { name: "consumer.apply(auth).forRoutes('private2')", serve: `${prefix}/private2`, plain: `${prefix}/plain2` },
  { name: "app.use('/private', auth)", serve: `${prefix}/private/area`, plain: `${prefix}/private/plain` },
  { name: 'a global guard on /admin', serve: `${prefix}/admin/area`, plain: `${prefix}/admin/plain` },
];

for (const adapter of httpAdapters) {
  for (const routing of routingCases) {
    describe(`paths on ${adapter.name}, ${routing.name}: an endpoint answers exactly as a plain route would`, () => {
      const s = serveAppForSuite(
        { backends: [PathsBackend] },
        {
          adapter: adapter.create(routing.settings),
          controllers: [PlainController],
          imports: [ScopedMiddlewareModule],
          providers: [{ provide: APP_GUARD, useValue: new AdminGuard(routing.prefix) }],
          configure: (app) => {
            routing.configure?.(app);
            app.use(`${routing.prefix}/private`, auth);
          },
        },
      );
      let server: Server;
      before(async () => {
        await s.app.listen(0, '127.0.0.1');
        server = s.app.getHttpServer() as Server;
      });

      for (const scope of scopes(routing.prefix)) {
        test(`${scope.name}: ${scope.serve} vs ${scope.plain}`, async () => {
          const declaredServe = await rawRequest(server, 'GET', scope.serve);
          const declaredPlain = await rawRequest(server, 'GET', scope.plain);
          assert.equal(declaredPlain.status, 403, 'the plain route is protected');
          assert.equal(declaredServe.status, 403, 'the endpoint is protected');
          assert.equal((await rawRequest(server, 'GET', scope.serve, AUTH)).status, 200);
          const upper = await rawRequest(server, 'GET', scope.serve.toUpperCase(), AUTH);
          const slash = await rawRequest(server, 'GET', scope.serve + '/', AUTH);
          const settings = { ...adapter.defaults, ...routing.settings };
          assert.equal(upper.status, settings.caseSensitive ? 404 : 200, 'case follows the host setting');
          assert.equal(slash.status, settings.strict ? 404 : 200, 'a trailing slash follows the host setting');

          const differences: string[] = [];
          for (const [trick, rewrite] of tricks) {
            for (const [method, headers] of requestKinds) {
              const servePath = rewrite(scope.serve);
              const plainPath = rewrite(scope.plain);
              const serve = await answerOf(server, method, servePath, headers);
              const plain = await answerOf(server, method, plainPath, headers);
              const who = `${method} ${trick}${headers === AUTH ? ', authorised' : ''}`;
              if (serve.status !== plain.status)
                differences.push(`${who}: ${servePath} → ${serve.status}, ${plainPath} → ${plain.status}`);
              else if (serve.status === 200 && method === 'GET') {
                const served = (JSON.parse(serve.body) as { served: string }).served;
                if (scope.serve !== `${routing.prefix}/${served}`)
                  differences.push(`${who}: ${servePath} reached endpoint ${served}`);
              }
            }
          }
          assert.deepEqual(differences, []);
        });
      }
    });
  }
}
