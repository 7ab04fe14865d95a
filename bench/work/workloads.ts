import { performance } from 'node:perf_hooks';

/** The part of the `sentiment` package used here (it ships no typings): an AFINN-165 scorer. */
type SentimentAnalyser = { analyze(text: string): { score: number; comparative: number } };
const Sentiment = require('sentiment') as new () => SentimentAnalyser;

/** The small JSON every "same handler" scenario (A–D, G) returns. */
export function hello(): { hello: string; ok: boolean; n: number } {
  return { hello: 'world', ok: true, n: 42 };
}

/** The no-op handler of the `.noop` rows (issue 19): an empty JSON object. */
export function noop(): Record<string, never> {
  return {};
}

/** The payload of every closed-loop call (row K: a handle's `remote()`, and Piscina's `run()` beside it). */
export const CLOSED_LOOP_PAYLOAD = { text: 'hi', n: 1 };

/** Spins (no sleep) for `ms` milliseconds of wall time: the fixed cost of the batch scenario. */
export function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

/** Real CPU work: `iterations` rounds of an integer hash; returns the hash so it is not optimised away. */
export function cpuWork(iterations: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < iterations; i++) {
    h ^= i & 0xff;
    h = Math.imul(h, 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

/** Iterations of {@link cpuWork} that take about `targetMs` on this machine (best of a few tries). */
export function calibrateCpuWork(targetMs: number): number {
  return calibrateSize((n) => cpuWork(n), 200_000, targetMs);
}

/** A ~200-word product review, the input of the sentiment scenarios (H, I). */
export const REVIEW_TEXT = [
  'I bought this espresso machine three months ago and I have mixed feelings about it.',
  'The first weeks were wonderful: the coffee tasted rich, the crema was thick and the steam wand worked great.',
  'My family loved the lattes and my friends were impressed every time they visited.',
  'Setup was easy and the manual was clear, which is rare and welcome.',
  'Then problems started. The pump became noisy and the water tank leaked onto the counter twice.',
  'Customer support was slow and unhelpful; the first agent was rude and the second one simply ignored my emails.',
  'I was frustrated and angry, and honestly disappointed, because the machine is not cheap.',
  'After two weeks of waiting they finally sent a replacement part, and to be fair it fixed the leak.',
  'Now the machine works fine again, although the grinder is still loud and a bit messy.',
  'The build quality feels solid, the design is beautiful and the cleaning cycle is convenient.',
  'Would I recommend it? Perhaps, if you are patient and lucky with the support team.',
  'The coffee itself is excellent, better than most cafes in my town, and that matters most to me.',
  'Overall I am satisfied but not thrilled, and I hope the company improves its terrible service.',
  'Three and a half stars from a tired but happy coffee lover who still smiles every morning.',
].join(' ');

const analyser = new Sentiment();

/** Scores `text` with AFINN `repeats` times (to make one call cost a few ms); returns the score. */
export function scoreText(text: string, repeats: number): { score: number; comparative: number } {
  let result = analyser.analyze(text);
  for (let i = 1; i < repeats; i++) result = analyser.analyze(text);
  return { score: result.score, comparative: result.comparative };
}

/** Repeats of {@link scoreText} on {@link REVIEW_TEXT} that take about `targetMs` on this machine. */
export function calibrateSentiment(targetMs: number): number {
  return calibrateSize((n) => scoreText(REVIEW_TEXT, n), 20, targetMs);
}

/** Size `n` for which `fn(n)` takes about `targetMs`: scales a first guess, then refines it twice at full size. */
function calibrateSize(fn: (n: number) => unknown, first: number, targetMs: number): number {
  let n = first;
  for (let i = 0; i < 3; i++) n = Math.max(1, Math.round((n * targetMs) / bestOf(() => fn(n))));
  return n;
}

/** Fastest of a few timed calls (after one untimed), ms: the least disturbed by other work on the machine. */
function bestOf(fn: () => unknown, tries = 5): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}
