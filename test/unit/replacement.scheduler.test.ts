import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, mock, test } from 'node:test';
import type { SiteState } from '../../src/backend/replica.lifecycle';
import { ReplacementScheduler } from '../../src/backend/replacement.scheduler';
import { flush, recordingLogger } from '../helpers/backend.fixture';
import { FakeSite } from '../helpers/fake.replica';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
afterEach(() => mock.timers.reset());

function harness(failStarts: number) {
  const site: SiteState = { site: new FakeSite('h1', 'gpu-box'), starting: new Set(), failures: 0, removed: false };
  let running = 0;
  let attempts = 0;
  const logger = recordingLogger();
  const scheduler = new ReplacementScheduler(
    {
      name: 'echo',
      wanted: () => running < 1,
      start: async () => {
        attempts++;
        if (attempts <= failStarts) throw new Error(`attempt ${attempts} failed`);
        running++;
      },
      capacityChanged: () => undefined,
    },
    logger,
  );
  return { site, scheduler, logger, attempts: () => attempts };
}

test('failed starts back off 200, 400, 800 ms, then the site runs again', async () => {
  const { site, scheduler, logger, attempts } = harness(2);
  scheduler.exited(site, 'echo#1', 0, new Error('OOM'));
  assert.equal(site.failures, 1);
  mock.timers.tick(199);
  assert.equal(attempts(), 0);
  mock.timers.tick(1);
  await flush();
  assert.equal(attempts(), 1);
  mock.timers.tick(400);
  await flush();
  assert.equal(attempts(), 2);
  mock.timers.tick(800);
  await flush();
  assert.equal(attempts(), 3);
  mock.timers.tick(60_000);
  await flush();
  assert.equal(attempts(), 3, 'no more once the site runs as many as wanted');
  assert.equal(scheduler.restarts, 3);
  assert.match(logger.lines.join('\n'), /echo#1 \(host gpu-box\) died \(OOM\)/);
});

test('one replacement due at a time per site', () => {
  const { site, scheduler } = harness(0);
  scheduler.startFailed(site, new Error('a'));
  scheduler.schedule(site);
  scheduler.schedule(site);
  mock.timers.tick(200);
  assert.equal(scheduler.restarts, 1);
});
