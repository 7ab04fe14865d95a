import type Sentiment from 'sentiment';
import { Backend, Endpoint, type ServeRequest } from '../src';
import {
  DEFAULT_THRESHOLD,
  labelOf,
  readText,
  readThreshold,
  type SentimentConfig,
  type SentimentResult,
} from './sentiment.common';

/**
 * Version 1 of the sentiment model: the AFINN word list of the `sentiment` package. The score is
 * AFINN's `comparative` (word scores summed, divided by the number of tokens). Two thread
 * replicas take 90% of `POST /sentiment`; with `NATS_URL`, two more on each replica host.
 */
// With NATS_URL set, the app joins a cluster and v1 also runs on replica hosts (`npm run replica`).
@Backend({
  numReplicas: 2,
  replica: 'thread',
  placement: process.env.NATS_URL ? 'both' : 'local',
  userConfig: { threshold: DEFAULT_THRESHOLD },
})
export class SentimentV1 {
  private readonly analyser: Sentiment;
  private threshold = DEFAULT_THRESHOLD;

  /** Runs inside each replica: loads the word list there, not in the host app. */
  constructor() {
    const SentimentClass = require('sentiment') as typeof Sentiment;
    this.analyser = new SentimentClass();
  }

  /** Stores the new threshold; called in every replica when `userConfig` changes. */
  reconfigure(config: SentimentConfig): void {
    this.threshold = readThreshold(config);
  }

  /** Scores `{ "text": "..." }`. */
  @Endpoint({ route: '/sentiment', methods: ['POST'], name: 'sentiment', weight: 90 })
  score(req: ServeRequest): SentimentResult {
    const score = this.analyser.analyze(readText(req.body)).comparative;
    return { score, label: labelOf(score, this.threshold), version: 'v1' };
  }
}
