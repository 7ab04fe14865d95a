import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { ServeModule, ServeService } from '../../src';
import { VersionA } from '../fixtures/traffic.backends';

@Injectable()
class ServeSettings {
  readonly options = { backends: [VersionA], exposeErrors: false };
}

@Module({ providers: [ServeSettings], exports: [ServeSettings] })
class SettingsModule {}

test('forRootAsync builds the options from an injected provider; ServeService is injectable anywhere', async () => {
  @Injectable()
  class Consumer {
    constructor(readonly serve: ServeService) {}
  }
  @Module({
    imports: [
      ServeModule.forRootAsync({
        imports: [SettingsModule],
        inject: [ServeSettings],
        useFactory: (settings: ServeSettings) => settings.options,
      }),
    ],
    providers: [Consumer],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  try {
    const res = await request(app.getHttpServer()).get('/split').expect(200);
    assert.equal(res.body.version, 'A');
    assert.deepEqual(Object.keys(app.get(Consumer).serve.listBackends()), ['VersionA']);
  } finally {
    await app.close();
  }
});
