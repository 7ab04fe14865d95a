/** A word-level Markov model (bigrams): what follows each word in the text it was built from. */
export class MarkovModel {
  private readonly next = new Map<string, string[]>();
  private readonly starts: string[] = [];

  /** Builds the model from `text`: sentences end at `.`, `!` or `?`. */
  constructor(text: string) {
    for (const sentence of text.toLowerCase().split(/[.!?]+/)) {
      const words = sentence.match(/[a-z']+|,/g) ?? [];
      if (words.length === 0) continue;
      this.starts.push(words[0]!);
      words.forEach((word, i) => {
        const follower = words[i + 1] ?? '.';
        const list = this.next.get(word) ?? [];
        list.push(follower);
        this.next.set(word, list);
      });
    }
  }

  /** Words known to the model. */
  get vocabulary(): number {
    return this.next.size;
  }

  /**
   * Yields up to `count` words, starting after `prompt`'s last known word (or a sentence start),
   * drawing each next word with `random` (a new sentence after each end).
   */
  *generate(prompt: string, count: number, random: () => number): Generator<string> {
    const known = (prompt.toLowerCase().match(/[a-z']+/g) ?? []).filter((w) => this.next.has(w));
    let word = known.at(-1) ?? this.pick(this.starts, random);
    if (known.length === 0) {
      yield word;
      count--;
    }
    for (let i = 0; i < count; i++) {
      const followers = this.next.get(word);
      word = followers ? this.pick(followers, random) : '.';
      if (word === '.') word = this.pick(this.starts, random);
      yield word;
    }
  }

  private pick(list: string[], random: () => number): string {
    return list[Math.floor(random() * list.length)];
  }
}

/** A small seeded generator (mulberry32), so a seed gives the same text every time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
