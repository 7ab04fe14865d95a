import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Sentiment from 'sentiment';
import { BadRequestException } from '@nestjs/common';
import { Backend, Endpoint, type ServeRequest } from '../src';
import { MarkovModel, seededRandom } from './markov.model';

/** Body of `POST /generate` and `POST /generate/events`. */
export interface GenerateBody {
  /** Text to continue; its last word known to the model is where generation starts. */
  prompt?: string;
  /** Words to generate, 1 to 200. Default 30. */
  words?: number;
  /** Pause between words in ms (0 to 1000), to watch them arrive. Default 50. */
  delayMs?: number;
  /** Same seed, same text. Default: random. */
  seed?: number;
}

/** One event of `POST /generate/events`. */
export type StoryEvent =
  | { event: 'token'; id: number; data: { word: string; score: number } }
  | { event: 'done'; data: { words: number; score: number } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A small generative model that streams: a word-level Markov model built at start-up (in each
 * replica) from the bundled `reviews.txt`, emitting one word at a time. `POST /generate` streams
 * plain text (`curl -N`); `POST /generate/events` streams Server-Sent Events, each word with its
 * AFINN sentiment score, then a `done` event with the total.
 */
@Backend({ numReplicas: 1, replica: 'thread' })
export class StoryTeller {
  private readonly model = new MarkovModel(readFileSync(join(__dirname, 'reviews.txt'), 'utf8'));
  private readonly afinn: Sentiment;

  constructor() {
    const SentimentClass = require('sentiment') as typeof Sentiment;
    this.afinn = new SentimentClass();
  }

  /** Streams words as text, separated by spaces. Stops as soon as the client goes away. */
  @Endpoint({ route: '/generate', methods: ['POST'] })
  async *generate(req: ServeRequest<GenerateBody>): AsyncGenerator<string> {
    const { prompt, count, delayMs, random } = readBody(req.body);
    for (const word of this.model.generate(prompt, count, random)) {
      yield `${word} `;
      if (delayMs > 0) await sleep(delayMs);
      if (req.signal?.aborted) return;
    }
    yield '\n';
  }

  /** Streams `token` events (word and its sentiment score), then `done`. */
  @Endpoint({ route: '/generate/events', methods: ['POST'], stream: 'sse' })
  async *events(req: ServeRequest<GenerateBody>): AsyncGenerator<StoryEvent> {
    const { prompt, count, delayMs, random } = readBody(req.body);
    let id = 0;
    let total = 0;
    for (const word of this.model.generate(prompt, count, random)) {
      const score = this.afinn.analyze(word).score;
      total += score;
      yield { event: 'token', id: id++, data: { word, score } };
      if (delayMs > 0) await sleep(delayMs);
    }
    yield { event: 'done', data: { words: id, score: total } };
  }
}

function readBody(body: GenerateBody | undefined) {
  const b = typeof body === 'object' && body !== null ? body : {};
  const count = b.words ?? 30;
  const delayMs = b.delayMs ?? 50;
  if (!Number.isInteger(count) || count < 1 || count > 200)
    throw new BadRequestException('"words" must be an integer from 1 to 200');
  if (typeof delayMs !== 'number' || delayMs < 0 || delayMs > 1000)
    throw new BadRequestException('"delayMs" must be a number from 0 to 1000');
  const seed = typeof b.seed === 'number' ? b.seed : Math.floor(Math.random() * 2 ** 32);
  return { prompt: typeof b.prompt === 'string' ? b.prompt : '', count, delayMs, random: seededRandom(seed) };
}
