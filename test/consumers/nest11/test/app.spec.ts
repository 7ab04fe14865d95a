import { AppModule } from '../src/app.module';
import { checkTestingApp } from './testing-app';
const { runChecks } = require('../../checks.cjs') as { runChecks: (url: string) => Promise<string[]> };

it('answers the statuses of "What callers see" and takes a userConfig update', async () => {
  const passed = await checkTestingApp(AppModule, runChecks);
  expect(passed.length).toBeGreaterThan(10);
});
