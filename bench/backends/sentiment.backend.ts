import { Backend, Endpoint, type ServeRequest } from '../../src';
import { envInt } from '../work/env';
import { scoreText } from '../work/workloads';

/** Scenarios H and I: AFINN sentiment scoring (repeated to cost a few ms) as a nestjs-serve endpoint. */
@Backend({
  numReplicas: envInt('BENCH_REPLICAS', 2),
  maxConcurrentQueries: envInt('BENCH_MAX_CONCURRENT', 100),
  initArgs: [envInt('BENCH_SENTIMENT_REPEATS', 100)],
})
export class SentimentBackend {
  constructor(private readonly repeats: number) {}

  /** `POST /sentiment` with `{ text }`: its score. */
  @Endpoint({ route: '/sentiment', methods: ['POST'] })
  score(req: ServeRequest<{ text: string }>): ReturnType<typeof scoreText> {
    return scoreText(req.body.text, this.repeats);
  }
}
