import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { AppModule } from '../src/app.module';
const { runChecks } = require('../../checks.cjs') as { runChecks: (url: string) => Promise<string[]> };

let app: INestApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
});

afterAll(() => app?.close());

it('answers the statuses of "What callers see" and takes a userConfig update', async () => {
  const passed = await runChecks(await app.getUrl());
  expect(passed.length).toBeGreaterThan(10);
});
