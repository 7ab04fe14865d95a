import { Module } from '@nestjs/common';
import { ServeModule } from '../src';
import { CanaryController } from './canary.controller';
import { SentimentNN } from './sentiment-nn.backend';
import { CustomerSentiment } from './sentiment-customers.backend';
import { SentimentV1 } from './sentiment-v1.backend';
import { SentimentV2 } from './sentiment-v2.backend';
import { StoryTeller } from './storyteller.backend';

/**
 * The sample app: `POST /sentiment` split 90/10 between the AFINN model (v1) and the winkNLP
 * canary (v2), a small ONNX neural network on its own route (`POST /sentiment/nn`, batched), one
 * model per customer (`POST /customers/:model/sentiment`, multiplexed), a
 * streaming text generator (`POST /generate`, `POST /generate/events` as SSE),
 * plus the `/admin` routes of {@link CanaryController}. With `NATS_URL` set, v1
 * also runs on the replica hosts that join through that NATS server.
 */
@Module({
  imports: [
    ServeModule.forRoot({
      backends: [SentimentV1, SentimentV2, SentimentNN, CustomerSentiment, StoryTeller],
      // NATS_URL=nats://127.0.0.1:4222 npm start: replica hosts can join (see "Scaling out" in the README).
      cluster: process.env.NATS_URL ? { servers: process.env.NATS_URL } : undefined,
    }),
  ],
  controllers: [CanaryController],
})
export class AppModule {}
