/**
 * How much a model has been used lately: each use adds 1, and the sum halves every
 * {@link MODEL_USE_HALF_LIFE_MS}. A replica evicts the loaded model with the lowest score, and the
 * router, which counts the same uses, loads a new model where the victim's score is lowest: models
 * used often stay, a rarely used one takes the slot of the last rarely used one (a frequency
 * policy loads ~30 % fewer models than least-recently-used under skewed traffic, see
 * docs/reports/MULTIPLEXING.md), and a replicated copy that stops getting requests drops to zero.
 */
export class ModelUseScore {
  private score = 0;
  private at = 0;

  /** Counts one use at `now` (ms). */
  add(now: number): void {
    this.score = this.value(now) + 1;
    this.at = now;
  }

  /** When it was last used (ms; 0 before its first use). */
  get lastUse(): number {
    return this.at;
  }

  /** The score at `now` (ms). */
  value(now: number): number {
    if (this.score === 0) return 0;
    return this.score * 0.5 ** (Math.max(0, now - this.at) / MODEL_USE_HALF_LIFE_MS);
  }
}

/**
 * The half-life of a {@link ModelUseScore}, ms: long enough to tell a model used every few seconds
 * from one used once, short enough that a model nobody asks for any more leaves within a minute.
 */
export const MODEL_USE_HALF_LIFE_MS = 10_000;
