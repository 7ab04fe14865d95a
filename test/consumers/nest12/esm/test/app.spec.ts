import { expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { checkTestingApp } from './testing-app.js';
// @ts-expect-error: a plain CommonJS helper shared by every consumer, without types.
import { runChecks } from '../../../checks.cjs';

it('answers the statuses of "What callers see" and takes a userConfig update', async () => {
  const passed: string[] = await checkTestingApp(AppModule, runChecks);
  expect(passed.length).toBeGreaterThan(10);
});
