/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderDashboardPage } from '../../src/dashboard/dashboard.page';
import type { ServeStatus } from '../../src/interfaces/serve-status.interface';
import { fakeBackend, fakeStatus } from '../helpers/fake-status';

// The page against a fake of the layer below: a node:http server returns the page and a status
// JSON the test changes. The real-app test comes with the wiring.
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
let status: ServeStatus;
let jsonRequests = 0;
let failJson = false;
let server: Server;
let browser: Browser;
let base: string;

const NOW = Date.UTC(2026, 11, 1, 17, 0, 0);

function initialStatus(): ServeStatus {
  const v1 = fakeBackend('sentiment-v1', 3, {
    events: [
      {
        type: 'replica-started',
        at: NOW - 42 * 60_000,
        backend: 'sentiment-v1',
        replica: 'sentiment-v1#1',
        site: 'local',
        kind: 'thread',
        message: 'Replica sentiment-v1#1 started (thread, local).',
      },
    ],
  });
  const v2 = fakeBackend('sentiment-v2', 2);
  const shadow = fakeBackend('sentiment-v3-candidate', 1, {
    state: 'UPDATING',
    reason: "Backend 'sentiment-v3-candidate' is starting its replicas (0 of 1 ready).",
  });
  shadow.replicas[0].state = 'STARTING';
  shadow.replicas[0].vitals = null;
  shadow.figures = {
    ...shadow.figures,
    requestsPerSecond: 0,
    p50Ms: null,
    p99Ms: null,
    errorRate: 0,
    requests: 0,
    queued: 0,
    inFlight: 0,
  };
  v2.figures = { ...v2.figures, requestsPerSecond: 2.1, p50Ms: 4.6, p99Ms: 18.3, errorRate: 0, queued: 0 };
  const s = fakeStatus([v1, v2, shadow], NOW);
  for (const b of Object.values(s.backends)) b.since = NOW - 42 * 60_000;
  shadow.since = NOW - 20_000;
  s.endpoints.predict.shadows = { 'sentiment-v3-candidate': 0.25 };
  s.endpoints.summarize = {
    name: 'summarize',
    route: '/summarize',
    methods: ['GET', 'POST'],
    traffic: { 'sentiment-v2': 1 },
    shadows: {},
    figures: {
      requestsPerSecond: 3.5,
      p50Ms: 12,
      p99Ms: 80,
      errorRate: 0,
      requests: 35,
      cancelled: 0,
      windowSeconds: 10,
    },
  };
  return s;
}

before(async () => {
  status = initialStatus();
  server = createServer((req, res) => {
    if (req.url === '/serve') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderDashboardPage(status, { statusUrl: '/serve/status.json', refreshMs: 250 }));
    } else if (req.url === '/serve/status.json' && failJson) {
      res.writeHead(503).end();
    } else if (req.url === '/serve/status.json') {
      jsonRequests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

async function open(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  const external: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) external.push(r.url());
  });
  await page.goto(`${base}/serve`);
  (page as Page & { external?: string[] }).external = external;
  return page;
}

test('a person sees the split, the shadows, the replicas and their states', async () => {
  status = initialStatus();
  const page = await open(1280);
  const predict = page.locator('[data-endpoint="predict"]');
  await assert.doesNotReject(predict.waitFor());
  assert.equal(await predict.locator('[data-backend="sentiment-v1"] [data-field="weight"]').innerText(), '90%');
  assert.equal(await predict.locator('[data-backend="sentiment-v2"] [data-field="weight"]').innerText(), '10%');
  assert.match(
    await predict.locator('[data-shadow="sentiment-v3-candidate"]').innerText(),
    /sentiment-v3-candidate\s+copies 25%/,
  );
  assert.match(await page.locator('[data-endpoint="summarize"]').innerText(), /\/summarize\s+GET\s+POST/);
  const v1 = page.locator('article.backend[data-backend="sentiment-v1"]');
  assert.equal(await v1.locator('tr[data-replica]').count(), 3);
  assert.deepEqual(await v1.locator('[data-field="replica-state"]').allInnerTexts(), ['READY', 'READY', 'READY']);
  assert.match(await v1.locator('tr[data-replica="sentiment-v1#2"]').innerText(), /gpu-host-1\s+process/);
  assert.equal(await v1.locator('[data-field="state"]').innerText(), 'HEALTHY');
  assert.equal(
    await page.locator('article.backend[data-backend="sentiment-v3-candidate"] [data-field="state"]').innerText(),
    'UPDATING',
  );
  const colour = await v1.locator('[data-field="state"]').evaluate((el) => getComputedStyle(el).color);
  assert.notEqual(
    colour,
    await page
      .locator('article.backend[data-backend="sentiment-v3-candidate"] [data-field="state"]')
      .evaluate((el) => getComputedStyle(el).color),
  );
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-1280.png'), fullPage: true });
  assert.deepEqual((page as Page & { external?: string[] }).external, [], 'the page loads nothing from elsewhere');
  await page.close();
});

test('numbers, states and events change without a reload', async () => {
  status = initialStatus();
  const page = await open(1280);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  const v1 = page.locator('article.backend[data-backend="sentiment-v1"]');
  assert.equal(await v1.locator('[data-field="rps"]').innerText(), '12.5');

  const next = initialStatus();
  const b = next.backends['sentiment-v1'];
  b.figures = {
    ...b.figures,
    requestsPerSecond: 187.25,
    p99Ms: 95,
    restarts: 1,
    lastError: { message: 'Replica sentiment-v1#2 died (exit code 137).', at: next.at - 2000 },
  };
  b.state = 'UNHEALTHY';
  b.reason =
    "Backend 'sentiment-v1' has 2 of 3 replicas ready: replica sentiment-v1#2 died (exit code 137); 1 starting to replace them.";
  b.replicas[1] = { ...b.replicas[1], state: 'STARTING', id: 'sentiment-v1#4', vitals: null };
  b.events.push({
    type: 'replica-died',
    at: next.at - 2000,
    backend: 'sentiment-v1',
    replica: 'sentiment-v1#2',
    reason: 'exit code 137',
    message: 'Replica sentiment-v1#2 died (exit code 137); starting sentiment-v1#4 instead.',
  });
  next.endpoints.predict.traffic = { 'sentiment-v1': 0.5, 'sentiment-v2': 0.5 };
  next.at += 5000;
  const before = jsonRequests;
  status = next;

  await page.waitForFunction(
    () =>
      document.querySelector('article.backend[data-backend="sentiment-v1"] [data-field="rps"]')?.textContent === '187',
    undefined,
    { timeout: 5000 },
  );
  assert.ok(jsonRequests > before, 'the page polled the JSON');
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'no reload');
  assert.equal(await v1.locator('[data-field="state"]').innerText(), 'UNHEALTHY');
  assert.equal(await v1.locator('[data-field="restarts"]').innerText(), '1');
  assert.deepEqual(await v1.locator('[data-field="replica-state"]').allInnerTexts(), ['READY', 'STARTING', 'READY']);
  assert.match(await v1.locator('[data-field="last-error"]').innerText(), /sentiment-v1#2 died \(exit code 137\)/);
  assert.match(await v1.locator('[data-event="replica-died"]').innerText(), /sentiment-v1#2 died/);
  assert.equal(
    await page.locator('[data-endpoint="predict"] [data-backend="sentiment-v2"] [data-field="weight"]').innerText(),
    '50%',
  );
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-1280-unhealthy.png'), fullPage: true });
  await page.setViewportSize({ width: 1680, height: 900 });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-1680.png'), fullPage: true });
  await page.close();
});

test('readable on a phone: nothing wider than the screen; stale data is flagged', async () => {
  status = initialStatus();
  const page = await open(390);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-390.png'), fullPage: true });
  failJson = true;
  await page.waitForFunction(() => document.getElementById('serve-root')?.classList.contains('stale'), undefined, {
    timeout: 5000,
  });
  assert.match(await page.locator('[data-field="live"]').innerText(), /not updating \(HTTP 503\)/);
  failJson = false;
  await page.waitForFunction(() => !document.getElementById('serve-root')?.classList.contains('stale'), undefined, {
    timeout: 5000,
  });
  await page.close();
});
