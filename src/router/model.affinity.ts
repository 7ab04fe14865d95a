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
  /** How much this model was used on it lately (its `ModelUseScore`); 0 when it does not hold it. */
  readonly modelUse: number;
  /** Models it may still load without evicting one. */
  readonly freeModelSlots: number;
  /**
   * The use score of the model its next load would evict (the lowest of those no request uses);
   * `Infinity` when every model it holds is in use. Only compared (and only computed) for a
   * replica that does not hold the model and has no free model slot.
   */
  readonly victimUse: number;
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
  /** Replicas that should hold the model (`modelReplicas`; 1 when not listed). */
  readonly copies?: number;
}

/**
 * Which replica serves a request for a model: the index of the chosen candidate, or `undefined`
 * when the request should wait (queued) for room, or for a load of its model under way.
 *
 * `'affinity'` (default):
 * 1. a holder that is not loading it, has room and is not hot: the one that used it most lately
 *    (the least loaded among equals) — a model's requests stay on one replica until it is hot, so
 *    a copy made for a hot model gets no requests once the model cools and is the first evicted;
 * 2. else, while the model loads somewhere: a holder that has it loaded and has room (hot or
 *    not), else the loading replica if it has room, else wait — a model is loaded on one replica
 *    at a time (single flight), so concurrent first requests never load it twice;
 * 3. else (no holder, or every holder hot or full): a replica without the model, preferring one with
 *    a free model slot, then the one whose eviction victim was used least lately, then the least
 *    loaded — this loads the model there (first load, or replication of a hot model);
 * 4. else a holder with room (least loaded), else wait.
 *
 * A model that should be on more replicas than hold it (`copies`, its `modelReplicas`) is loaded on
 * one more (step 3) by its next request unless a load of it is under way; its requests spread over
 * its holders, least loaded first, instead of staying on one.
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
  const copies = context.copies ?? 1;
  const loadingAt = candidates.findIndex((c) => c.loading);
  if (copies > 1 && loadingAt < 0 && candidates.filter((c) => c.holds).length < copies) {
    const another = bestNewHome(candidates);
    if (another !== undefined) return another;
  }
  const hot = (c: ModelCandidate) => c.modelInFlight > context.hotAbove;
  const servable = (c: ModelCandidate) => c.holds && !c.loading && c.hasRoom && !hot(c);
  const ready = copies > 1 ? leastLoaded(candidates, servable) : mostUsed(candidates, servable);
  if (ready !== undefined) return ready;
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
  if (!aFree && a.victimUse !== b.victimUse) return a.victimUse < b.victimUse;
  return a.inFlight < b.inFlight;
}

function mostUsed(candidates: readonly ModelCandidate[], ok: (c: ModelCandidate) => boolean): number | undefined {
  let best: number | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (!ok(c)) continue;
    const b = best === undefined ? undefined : candidates[best];
    if (!b || c.modelUse > b.modelUse || (c.modelUse === b.modelUse && c.inFlight < b.inFlight)) best = i;
  }
  return best;
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
