/** Options of `@Multiplexed()`: how many models a replica keeps loaded, and which it loads at start. */
export interface MultiplexedOptions {
  /**
   * Models one replica keeps loaded at most (a whole number ≥ 1). Loading one more evicts the least
   * recently used model that no request is using; its `unload(model)` is called.
   */
  maxModelsPerReplica: number;
  /**
   * Memory the loaded models of one replica may take, in MB. A model's size is its own numeric
   * `memoryMb` property when it has one, else the growth of the replica's heap and external memory
   * while it loaded (an estimate). Loading past the budget evicts models used least lately.
   * Default: no budget.
   */
  maxModelMemoryMb?: number;
  /** Models every replica loads when it starts, before its first request (the last `maxModelsPerReplica` of them stay). */
  preload?: string[];
  /**
   * A model whose requests in flight reach this number on every replica holding it — and exceed
   * one replica's share of the backend's requests in flight — is loaded on one more replica
   * (hot-model replication). Default: half of `maxConcurrentQueries`, at least 2.
   */
  hotModelInFlight?: number;
  /**
   * A copy of a model beyond the replicas it needs (one, or its `modelReplicas`) — made while the
   * model was hot — that gets no request for this long is unloaded (its requests stay on the copy
   * used most, so a cooled model's extra copies go idle). Looked at as requests arrive, at most
   * once a second; preloaded models are kept. Default 10 000 ms.
   */
  idleCopyMs?: number;
  /**
   * Replicas that keep a model loaded at least, by model id (Ray Serve has no per-model count): a
   * model listed here is loaded on one more replica by its next request while fewer replicas hold
   * it (one load at a time; that request waits for the load), and its requests are spread over
   * its copies (the least loaded first), so they stay in use. Capped by the backend's replica
   * count. Models not listed: one copy, more while hot. Default: none listed.
   */
  modelReplicas?: Readonly<Record<string, number>>;
  /**
   * Replica choice for models, for comparisons only (the bench): `'affinity'` (default, see the
   * docs), `'holder-or-least-loaded'` (holders first, else the least loaded replica, no single
   * flight, no replication), `'random'`.
   * @internal
   */
  routing?: ModelRouting;
}

/**
 * Replica choice for a multiplexed backend's requests (see {@link MultiplexedOptions.routing}).
 * @internal
 */
export type ModelRouting = 'affinity' | 'holder-or-least-loaded' | 'random';
