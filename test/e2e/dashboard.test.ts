import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { chromium, type Browser } from 'playwright-core';
import { ModelV1, ModelV2, Ranker, RankerShadow } from '../fixtures/observing/observing.backends';
import { serveAppForSuite } from '../helpers/serve-app';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/** The app's admin guard: the status page needs `x-admin: yes`. */
@Injectable()
class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ path: string; headers: Record<string, string> }>();
    return !req.path.startsWith('/serve') || req.headers['x-admin'] === 'yes';
  }
}

describe('the status page of a running app, in a real browser', () => {
  const s = serveAppForSuite(
    { backends: [ModelV1, ModelV2, Ranker, RankerShadow], dashboard: { path: '/serve', refreshMs: 500 } },
    { providers: [{ provide: APP_GUARD, useClass: AdminGuard }] },
  );
  let browser: Browser;
  let base: string;

  before(async () => {
    await s.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(s.app.getHttpServer().address() as AddressInfo).port}`;
    await s.serve.shadowTraffic('/rank', 'ranker-shadow', 0.5);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(() => browser?.close());

  test('shows the split, the shadow and the replicas; numbers change after requests; a killed replica and its event appear without reload', async () => {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      extraHTTPHeaders: { 'x-admin': 'yes' },
    });
    const external: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(base) ? undefined : external.push(r.url())));
    await page.goto(`${base}/serve`);
    const predict = page.locator('[data-endpoint="predict"]');
    assert.equal(await predict.locator('[data-backend="model-v1"] [data-field="weight"]').innerText(), '90%');
    assert.equal(await predict.locator('[data-backend="model-v2"] [data-field="weight"]').innerText(), '10%');
    assert.match(
      await page.locator('[data-endpoint="/rank"] [data-shadow="ranker-shadow"]').innerText(),
      /ranker-shadow\s+copies 50%/,
    );
    const ranker = page.locator('article.backend[data-backend="ranker"]');
    assert.equal(await ranker.locator('tr[data-replica]').count(), 1);
    assert.match(await ranker.locator('tr[data-replica="ranker#1"]').innerText(), /ranker#1\s+READY\s+local\s+thread/);
    assert.equal(await ranker.locator('[data-field="state"]').innerText(), 'HEALTHY');
    assert.equal(Number(await ranker.locator('[data-field="rps"]').innerText()), 0);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    for (let i = 0; i < 40; i++) await s.http.post('/rank').send({}).expect(200);
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('article.backend[data-backend="ranker"] [data-field="rps"]')?.textContent ?? '0',
        ) > 0,
      undefined,
      { timeout: 5000 },
    );
    assert.ok(Number(await ranker.locator('[data-field="rps"]').innerText()) > 0);
    const shadowRps = page.locator('article.backend[data-backend="ranker-shadow"] [data-field="rps"]');
    await page.waitForFunction(
      () =>
        document.querySelector('article.backend[data-backend="ranker-shadow"] [data-field="rps"]')?.textContent !==
        undefined,
    );
    assert.ok(await shadowRps.isVisible());

    await s.http.post('/rank').set('x-serve-call-method', 'crash').send({}).expect(503);
    await page.waitForFunction(
      () => document.querySelector('article.backend[data-backend="ranker"] [data-event="replica-died"]') !== null,
      undefined,
      { timeout: 10_000 },
    );
    assert.match(await ranker.locator('[data-event="replica-died"]').innerText(), /Replica ranker#1 died/);
    assert.match(
      await ranker.locator('[data-field="last-error"]').innerText(),
      /ranker#1 (died|stopped while handling)/,
    );
    await page.waitForFunction(
      () => document.querySelector('article.backend[data-backend="ranker"] tr[data-replica="ranker#2"]') !== null,
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForFunction(
      () =>
        document.querySelector('article.backend[data-backend="ranker"] [data-field="restarts"]')?.textContent === '1',
      undefined,
      { timeout: 10_000 },
    );
    assert.match(
      await ranker.locator('[data-event="replica-restarted"]').innerText(),
      /ranker#2 started to replace ranker#1/,
    );
    assert.equal(await ranker.locator('tr[data-replica="ranker#1"]').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'no reload');
    for (let i = 0; i < 30; i++) await s.http.post('/predict').send({}).expect(200);
    await page.waitForTimeout(1200);
    const shot = join(ARTIFACTS, 'dashboard-live-app.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.UPDATE_DOCS_SCREENSHOT)
      copyFileSync(shot, join(__dirname, '..', '..', 'docs', 'images', 'dashboard.png'));
    assert.deepEqual(external, [], 'the page loads nothing from elsewhere');
    await page.close();
  });

  test('a guard that refuses the request keeps the page and its JSON closed', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${base}/serve`);
    assert.equal(res?.status(), 403);
    assert.doesNotMatch(await page.content(), /model-v1/);
    const json = await page.goto(`${base}/serve/status.json`);
    assert.equal(json?.status(), 403);
    await page.close();
    const ok = await s.http.get('/serve/status.json').set('x-admin', 'yes').expect(200);
    assert.equal(ok.headers['cache-control'], 'no-store');
    assert.deepEqual(Object.keys(ok.body.backends).sort(), ['model-v1', 'model-v2', 'ranker', 'ranker-shadow']);
  });
});
