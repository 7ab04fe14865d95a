import type { Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';

/**
 * Builds `module` in Nest's testing module, listens on a free loopback port, runs `checks` on the app's
 * URL and closes the app whether they passed or not. Returns what `checks` returns.
 */
export async function checkTestingApp<T>(module: Type, checks: (url: string) => Promise<T>): Promise<T> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  try {
    await app.listen(0, '127.0.0.1');
    return await checks(await app.getUrl());
  } finally {
    await app.close();
  }
}
