import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

/** Starts the sample app on `$HOST:$PORT` (default `0.0.0.0:3000`). */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, process.env.HOST ?? '0.0.0.0');
  const url = `http://localhost:${port}`;
  const logger = new Logger('sample-app');
  logger.log(`Sentiment canary listening on ${url}`);
  logger.log(`Try: curl -s -X POST ${url}/sentiment -H 'content-type: application/json' -d '{"text":"I love this!"}'`);
  logger.log(
    `     curl -s -X POST ${url}/sentiment/nn -H 'content-type: application/json' -d '{"text":"Not bad at all"}'`,
  );
  logger.log(`     curl -s ${url}/admin/traffic`);
  logger.log(`     curl -s -X POST ${url}/admin/traffic -H 'content-type: application/json' -d '{"v2":0.5}'`);
  if (process.env.NATS_URL) {
    logger.log(`Cluster on ${process.env.NATS_URL}: start a replica host in another terminal with`);
    logger.log(`     npm run replica -- --servers ${process.env.NATS_URL} --module sample-app/sentiment-v1.backend.ts`);
    logger.log(`and watch each replica's host and served count: curl -s ${url}/admin/backends`);
  }
}

void bootstrap();
