/**
 * `npm run demo:rollout`: the sample app with a guarded rollout of a good v2 (promoted) and of a
 * broken v3 that fails one request in ten (rolled back by itself), under a steady load of
 * `POST /sentiment` from this process, printing every step as the judge sees it.
 */
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { RolloutResult } from '../src';
import { ServeService } from '../src';
import { AppModule } from './app.module';
import { SentimentV3 } from './sentiment-v3.backend';

const TEXTS = ['I love this, it is wonderful!', 'The food was good.', 'This is terrible.', 'Meh.'];

/** Sends `POST /sentiment` at about `perSecond` until `stop()`; counts answers by status. */
function steadyLoad(port: number, perSecond: number) {
  const byStatus = new Map<number, number>();
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      void fetch(`http://127.0.0.1:${port}/sentiment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: TEXTS[i % TEXTS.length] }),
      }).then(
        (res) => byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1),
        () => byStatus.set(0, (byStatus.get(0) ?? 0) + 1),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
    }
  })();
  return {
    byStatus,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

function print(logger: Logger, what: string, result: RolloutResult): void {
  for (const step of result.steps) {
    const share = step.shadow ? 'shadow' : `${Math.round(step.weight * 100)} %`;
    logger.log(
      `  step ${share.padStart(6)}: ${step.verdict} (${step.reason}) after ${step.endedAt - step.startedAt} ms`,
    );
  }
  logger.log(`${what}: ${result.outcome}${result.outcome === 'rolled-back' ? ` (${result.reason})` : ''}`);
}

async function main(): Promise<void> {
  const logger = new Logger('rollout-demo');
  const app = await NestFactory.create(AppModule, { logger: ['log', 'error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const serve = app.get(ServeService);
  const load = steadyLoad(port, 80);
  const checks = {
    steps: [0.1, 0.5, 1],
    stepIntervalMs: 3000,
    minRequestsPerStep: 25,
    maxErrorRate: 0.02,
    maxP99Ms: 500,
  };
  try {
    await serve.setTraffic('sentiment', { SentimentV1: 1, SentimentV2: 0 });
    logger.log('All traffic on v1. Rolling out v2 (a good model) in steps of 10 %, 50 %, 100 %...');
    print(logger, 'v2', await serve.rollout('sentiment', 'SentimentV2', checks));
    logger.log(`Traffic now: ${JSON.stringify(serve.listEndpoints().sentiment.traffic)}`);

    await serve.createBackend('SentimentV3', SentimentV3);
    logger.log('Rolling out v3 (fails one request in ten)...');
    print(logger, 'v3', await serve.rollout('sentiment', 'SentimentV3', checks));
    logger.log(`Traffic now: ${JSON.stringify(serve.listEndpoints().sentiment.traffic)}`);
  } finally {
    await load.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    logger.log(`Answers during the demo, by status: ${JSON.stringify(Object.fromEntries(load.byStatus))}`);
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
