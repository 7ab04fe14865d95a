import type { ModelRouting } from '../interfaces/multiplexed-options.interface';

/** One replica as the model routing policy sees it, for the model a request names. */
export interface ModelCandidate {
  /** Requests in flight on the replica (every model). */
  readonly inFlight: number;
  /** It takes requests and is below `maxConcurrentQueries`. */
  readonly hasRoom: boolean;
  /** It holds the model, or its load there is under way. */
  readonly holds: boolean;
  /** The model's load there is under way (its first request has not come back). */
  readonly loading: boolean;
  /** Requests in flight on it for this model. */
  readonly modelInFlight: number;
  /** Models it may still load without evicting one. */
  readonly freeModelSlots: number;
  /**
   * When the model its next load would evict was last used (ms, any clock): the least recently
   * used of those no request uses; `Infinity` when every model it holds is in use.
   */
  readonly victimLastUse: number;
}

/** What the policy knows besides the candidates. */
export interface ModelRoutingContext {
  /**
   * A holder with more of the model's requests in flight than this counts as hot: the larger of
   * `hotModelInFlight - 1` and one replica's share (requests in flight ÷ replicas).
   */
  readonly hotAbove: number;
  /** A number in [0, 1) (for `'random'`). */
  readonly random: number;
}

/**
 * Which replica serves a request for a model: the index of the chosen candidate, or `undefined`
 * when the request should wait (queued) for room, or for a load of its model under way.
 *
 * `'affinity'` (default):
 * 1. a holder that is not loading it, has room and is not hot: the least loaded of them;
 * 2. else, while the model loads somewhere: a holder that has it loaded and has room (hot or
 *    not), else the loading replica if it has room, else wait — a model is loaded on one replica
 *    at a time (single flight), so concurrent first requests never load it twice;
 * 3. else (no holder, or every holder hot or full): a replica without the model, preferring one with
 *    a free model slot, then the one whose eviction victim was used longest ago, then the least
 *    loaded — this loads the model there (first load, or replication of a hot model);
 * 4. else a holder with room (least loaded), else wait.
 */
export function chooseModelReplica(
  candidates: readonly ModelCandidate[],
  context: ModelRoutingContext,
  routing: ModelRouting = 'affinity',
): number | undefined {
  if (routing === 'random') return randomWithRoom(candidates, context.random);
  if (routing === 'holder-or-least-loaded') {
    return (
      leastLoaded(candidates, (c) => c.hasRoom && c.holds && !c.loading) ?? leastLoaded(candidates, (c) => c.hasRoom)
    );
  }
  const hot = (c: ModelCandidate) => c.modelInFlight > context.hotAbove;
  const ready = leastLoaded(candidates, (c) => c.holds && !c.loading && c.hasRoom && !hot(c));
  if (ready !== undefined) return ready;
  const loadingAt = candidates.findIndex((c) => c.loading);
  if (loadingAt >= 0) {
    const loaded = leastLoaded(candidates, (c) => c.holds && !c.loading && c.hasRoom);
    if (loaded !== undefined) return loaded;
    return candidates[loadingAt].hasRoom ? loadingAt : undefined;
  }
  const fresh = bestNewHome(candidates);
  if (fresh !== undefined) return fresh;
  return leastLoaded(candidates, (c) => c.holds && c.hasRoom);
}

/** Among replicas with room that do not hold the model: free slot first, then the coldest victim, then the least loaded. */
function bestNewHome(candidates: readonly ModelCandidate[]): number | undefined {
  let best: number | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (!c.hasRoom || c.holds) continue;
    if (best === undefined || better(c, candidates[best])) best = i;
  }
  return best;
}

function better(a: ModelCandidate, b: ModelCandidate): boolean {
  const aFree = a.freeModelSlots > 0;
  const bFree = b.freeModelSlots > 0;
  if (aFree !== bFree) return aFree;
  if (!aFree && a.victimLastUse !== b.victimLastUse) return a.victimLastUse < b.victimLastUse;
  return a.inFlight < b.inFlight;
}

function leastLoaded(candidates: readonly ModelCandidate[], ok: (c: ModelCandidate) => boolean): number | undefined {
  let best: number | undefined;
  for (let i = 0; i < candidates.length; i++) {
    if (ok(candidates[i]) && (best === undefined || candidates[i].inFlight < candidates[best].inFlight)) best = i;
  }
  return best;
}

function randomWithRoom(candidates: readonly ModelCandidate[], random: number): number | undefined {
  const open = candidates.flatMap((c, i) => (c.hasRoom ? [i] : []));
  return open.length ? open[Math.floor(random * open.length)] : undefined;
}
