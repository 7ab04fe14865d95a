import type Sentiment from 'sentiment';
import { Backend, Endpoint, type ServeRequest } from '../src';
import { DEFAULT_THRESHOLD, labelOf, readText, type SentimentResult } from './sentiment.common';

/**
 * A broken version 3 for the rollout demo (`npm run demo:rollout`): the AFINN model again, but one
 * request in ten fails with a 500. Not part of the app's backends: the demo creates it at run time
 * and a guarded rollout must roll it back by itself.
 */
@Backend({ numReplicas: 1, replica: 'thread' })
export class SentimentV3 {
  private readonly analyser: Sentiment;
  private served = 0;

  constructor() {
    const SentimentClass = require('sentiment') as typeof Sentiment;
    this.analyser = new SentimentClass();
  }

  /** Scores `{ "text": "..." }`, and fails every tenth request. */
  @Endpoint({ route: '/sentiment', methods: ['POST'], name: 'sentiment', weight: 0 })
  score(req: ServeRequest): SentimentResult {
    if (++this.served % 10 === 0) throw new Error('v3 lost its word list (a bug the rollout should catch)');
    const score = this.analyser.analyze(readText(req.body)).comparative;
    return { score, label: labelOf(score, DEFAULT_THRESHOLD), version: 'v3' };
  }
}
