/** Server "H inline": sentiment scoring inline in a Nest controller, on the main thread. */
import { Body, Controller, Module, Post } from '@nestjs/common';
import { envInt } from '../work/env';
import { scoreText } from '../work/workloads';
import { runServer, startBenchServer } from './bootstrap';
import { StatsController } from './stats.controller';

const repeats = envInt('BENCH_SENTIMENT_REPEATS', 100);

/** `POST /sentiment` with `{ text }`, scored on the main thread. */
@Controller()
export class InlineSentimentController {
  /** AFINN score of the text. */
  @Post('sentiment')
  score(@Body() body: { text: string }): ReturnType<typeof scoreText> {
    return scoreText(body.text, repeats);
  }
}

/** Root module of the inline sentiment server. */
@Module({ controllers: [InlineSentimentController, StatsController] })
export class InlineSentimentServerModule {}

runServer(() => startBenchServer(InlineSentimentServerModule));
