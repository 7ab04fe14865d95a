import type { WinkMethods } from 'wink-nlp';
import type WinkFn from 'wink-nlp';
import type { Model } from 'wink-eng-lite-web-model';
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
 * Version 2 of the sentiment model, the canary: winkNLP with its English lite web model. The
 * score is the document's `its.sentiment` (in [-1, 1], negation aware). One thread replica
 * takes 10% of `POST /sentiment`.
 */
@Backend({ numReplicas: 1, replica: 'thread', userConfig: { threshold: DEFAULT_THRESHOLD } })
export class SentimentV2 {
  private readonly nlp: WinkMethods;
  private threshold = DEFAULT_THRESHOLD;

  /** Runs inside each replica: loads the language model there, not in the host app. */
  constructor() {
    const winkNLP = require('wink-nlp') as typeof WinkFn;
    const model = require('wink-eng-lite-web-model') as Model;
    this.nlp = winkNLP(model);
  }

  /** Stores the new threshold; called in every replica when `userConfig` changes. */
  reconfigure(config: SentimentConfig): void {
    this.threshold = readThreshold(config);
  }

  /** Scores `{ "text": "..." }`. */
  @Endpoint({ route: '/sentiment', methods: ['POST'], name: 'sentiment', weight: 10 })
  score(req: ServeRequest): SentimentResult {
    const score = Number(this.nlp.readDoc(readText(req.body)).out(this.nlp.its.sentiment));
    return { score, label: labelOf(score, this.threshold), version: 'v2' };
  }
}
