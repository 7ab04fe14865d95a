import { hashToUnit } from './shard-key.hash';

/** Backend name → weight (traffic) or proportion (shadows). */
export type WeightMap = Readonly<Record<string, number>>;

/**
 * Decides which backend serves a request of one endpoint and which backends also get a shadow
 * copy. Pure: randomness comes in as numbers, so every choice can be replayed in tests.
 */
export class TrafficPolicy {
  private readonly names: string[];
  private readonly cumulative: number[];

  /**
   * @param traffic weights, non-negative; they are normalised, so any positive sum works.
   * @param shadows proportions from 0 to 1 of requests also sent to each backend.
   */
  constructor(
    readonly traffic: WeightMap,
    readonly shadows: WeightMap = {},
  ) {
    this.names = Object.keys(traffic)
      .filter((name) => traffic[name] > 0)
      .sort();
    const total = this.names.reduce((sum, name) => sum + traffic[name], 0);
    let running = 0;
    this.cumulative = this.names.map((name) => (running += traffic[name] / total));
  }

  /** True when at least one backend has a positive weight. */
  get routable(): boolean {
    return this.names.length > 0;
  }

  /**
   * The backend for a request: by `shardKey` when given (same key, same backend while the
   * weights stay the same), else by `random` in [0, 1).
   */
  choose(random: number, shardKey?: string): string {
    const point = shardKey === undefined ? random : hashToUnit(shardKey);
    const last = this.names.length - 1;
    for (let i = 0; i < last; i++) {
      if (point < this.cumulative[i]) return this.names[i];
    }
    return this.names[last];
  }

  /** Backends that also get a copy of the request; `random()` is drawn once per shadow. */
  chooseShadows(random: () => number): string[] {
    const chosen: string[] = [];
    for (const name in this.shadows) {
      if (random() < this.shadows[name]) chosen.push(name);
    }
    return chosen;
  }
}
