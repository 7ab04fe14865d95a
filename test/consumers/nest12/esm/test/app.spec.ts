import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
// @ts-expect-error: a plain CommonJS helper shared by every consumer, without types.
import { runChecks } from '../../../checks.cjs';

let app: INestApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
});

afterAll(() => app?.close());

it('answers the statuses of "What callers see" and takes a userConfig update', async () => {
  const passed: string[] = await runChecks(await app.getUrl());
  expect(passed.length).toBeGreaterThan(10);
});
