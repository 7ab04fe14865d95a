/** Figures per key (e.g. `C.rps`), one value per round, in round order (NaN for a failed round). */
export class Results {
  private readonly series = new Map<string, number[]>();
  /** Errors met while measuring, shown in the report. */
  readonly errors: string[] = [];

  /** Records `value` for `key` in `round`. */
  add(key: string, round: number, value: number): void {
    let values = this.series.get(key);
    if (!values) this.series.set(key, (values = []));
    while (values.length < round) values.push(NaN);
    values[round] = value;
  }

  /** The per-round values of `key` (empty when never measured). */
  get(key: string): number[] {
    return this.series.get(key) ?? [];
  }
}
