/**
 * What a replica of a multiplexed backend tells the app about its models, with the result of each
 * of its calls (short names: it goes on the wire). Counts are since its previous report.
 */
export interface ModelReport {
  /** Ids of the models it holds loaded now, least recently used first. */
  held: string[];
  /** Requests whose model was loaded already. */
  hits: number;
  /** Requests whose model was not loaded (they loaded it, or waited for its load). */
  misses: number;
  /** Calls of `load()` that succeeded. */
  loads: number;
  /** Calls of `load()` that threw. */
  failures: number;
  /** Models evicted (and unloaded). */
  evictions: number;
  /** How long each successful load took, in ms. */
  loadMs: number[];
}

/** A report of `held` alone, counting nothing: a shared replica's answer to an unload it refuses (the counts went with the replica's own reports). */
export function heldOnly(held: string[]): ModelReport {
  return { held, hits: 0, misses: 0, loads: 0, failures: 0, evictions: 0, loadMs: [] };
}
