import { Module } from '@nestjs/common';
import { ServeModule } from '../src';
import { CanaryController } from './canary.controller';
import { SentimentV1 } from './sentiment-v1.backend';
import { SentimentV2 } from './sentiment-v2.backend';

/**
 * The sample app: `POST /sentiment` split 90/10 between the AFINN model (v1) and the winkNLP
 * canary (v2), plus the `/admin` routes of {@link CanaryController}.
 */
@Module({
  imports: [ServeModule.forRoot({ backends: [SentimentV1, SentimentV2] })],
  controllers: [CanaryController],
})
export class AppModule {}
