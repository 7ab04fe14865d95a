/** What the choice of a shared replica needs to know of one replica. */
export interface ClaimedReplica {
  /** Ids of the apps whose claims (one per app at most) this replica serves. */
  readonly apps: ReadonlySet<string>;
  /** True once it is exiting: it takes no new claim. */
  readonly exiting: boolean;
}

/**
 * Which running replica a new claim of `app` attaches to: one that `app` does not use yet (an app
 * asking for n replicas gets n different ones), preferring the most used (claims pack onto the
 * fewest replicas), then the oldest. `undefined`: start a new replica. With every app asking for
 * its `numReplicas`, the replicas that run are thus the largest of the apps' claims, not their sum.
 */
export function chooseSharedReplica<R extends ClaimedReplica>(app: string, replicas: readonly R[]): R | undefined {
  let best: R | undefined;
  for (const replica of replicas) {
    if (replica.exiting || replica.apps.has(app)) continue;
    if (!best || replica.apps.size > best.apps.size) best = replica;
  }
  return best;
}

/** The admission limit of a shared replica: the lowest `maxConcurrentQueries` its apps' claims asked for. */
export function sharedLimit(claims: Iterable<{ readonly limit: number }>): number {
  let limit = Number.MAX_SAFE_INTEGER;
  for (const claim of claims) limit = Math.min(limit, claim.limit);
  return limit;
}
