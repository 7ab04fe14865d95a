/** Class names of the sentiment model's output, in order. */
export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'];

/** Texts and their classes (indexes into {@link SENTIMENT_LABELS}). */
export interface LabelledTexts {
  texts: string[];
  labels: number[];
}

/** What {@link makeAfinnTexts} draws from. */
export interface AfinnSource {
  /** The single-word AFINN entries. */
  words: readonly string[];
  negators: readonly string[];
  /** Words that carry no score (taken from the bundled reviews). */
  fillers: readonly string[];
  /** The reference scorer that labels each text: AFINN via the `sentiment` package. */
  score(text: string): number;
}

/** The class of an AFINN score: its sign. */
export function labelOfScore(score: number): number {
  return score < 0 ? 0 : score > 0 ? 2 : 1;
}

/**
 * Random sentences of 3–12 words: filler words with 0–3 AFINN words among them, a quarter of
 * those right after a negator ("not good"). Each is labelled by the sign of its AFINN score as
 * `source.score` gives it, so the network learns the word list, negation included.
 */
export function makeAfinnTexts(source: AfinnSource, count: number, random: () => number): LabelledTexts {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const texts: string[] = [];
  for (let n = 0; n < count; n++) {
    const words = Array.from({ length: 3 + Math.floor(random() * 10) }, () => pick(source.fillers));
    const scored = Math.floor(random() * 4);
    for (let s = 0; s < scored; s++) {
      const at = Math.floor(random() * (words.length + 1));
      const word = pick(source.words);
      words.splice(at, 0, ...(random() < 0.25 ? [pick(source.negators), word] : [word]));
    }
    texts.push(words.join(' '));
  }
  return { texts, labels: texts.map((t) => labelOfScore(source.score(t))) };
}
