import type { ModelReport } from '../router/model.report';
import { ModelUseScore } from '../router/model-use.score';

/** How a {@link ModelCache} loads, sizes and drops models. */
export interface ModelCacheOptions<M> {
  /** Models kept loaded at most (more only while every loaded model is in use). */
  readonly capacity: number;
  /** Memory the loaded models may take, in MB; none by default. */
  readonly maxMemoryMb?: number;
  /** Loads one model (the backend's `@Multiplexed()` method). */
  load(id: string): Promise<M>;
  /** Drops one model (the backend's `unload(model)`, if any); its errors go to {@link unloadFailed}. */
  unload?(model: M, id: string): unknown;
  /** Model `id` was loaded (and its evictions done). */
  loaded?(id: string): void;
  /** An `unload()` threw: the model is dropped anyway. */
  unloadFailed?(id: string, error: unknown): void;
  /** Bytes of memory in use now (heap + external), to estimate a model's size; default `process.memoryUsage()`. */
  memoryBytes?(): number;
  /** Milliseconds now; default `performance.now`. */
  clock?(): number;
}

interface Entry<M> {
  readonly model: M;
  readonly sizeMb: number;
  /** Requests using it now: it is never evicted while they run. */
  users: number;
  /** Its uses here, the eviction order. */
  readonly use: ModelUseScore;
}

const MB = 1024 * 1024;

/**
 * The models one replica holds: at most `capacity` loaded models (and `maxMemoryMb`), evicting the
 * one used least lately ({@link ModelUseScore}; the least recently used among equals), loading each
 * model once however many requests ask for it at the same time (single flight), and never evicting
 * a model a request is using. A failed load is not remembered: the next request
 * tries again. Runs inside the replica; counts what happened for {@link report}.
 */
export class ModelCache<M = unknown> {
  /** Loaded models; Map order is recency (least recently used first), which breaks ties of use. */
  private readonly loaded = new Map<string, Entry<M>>();
  private readonly loading = new Map<string, Promise<Entry<M>>>();
  /** Requests that hold a model whose load is under way: they hold it from the moment it is loaded. */
  private readonly waitingHolds = new Map<string, number>();
  private counts = { hits: 0, misses: 0, loads: 0, failures: 0, evictions: 0 };
  private loadMs: number[] = [];
  private closed = false;

  private readonly clock: () => number;

  constructor(private readonly options: ModelCacheOptions<M>) {
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Ids of the loaded models, least recently used first. */
  get held(): string[] {
    return [...this.loaded.keys()];
  }

  /**
   * The model `id`, loaded if need be; with `hold` it counts as in use until {@link release}.
   * With `count` (a request's own lookup) it counts a hit or a miss. Rejects with `load()`'s error
   * when it fails.
   */
  async get(id: string, hold = false, count = true): Promise<M> {
    const cached = this.loaded.get(id);
    if (cached) {
      if (count) this.counts.hits++;
      this.touch(id, cached, hold);
      return cached.model;
    }
    if (count) this.counts.misses++;
    if (hold) this.waitingHolds.set(id, (this.waitingHolds.get(id) ?? 0) + 1);
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.load(id);
      this.loading.set(id, pending);
    }
    const entry = await pending;
    this.touch(id, entry, false);
    return entry.model;
  }

  /** A request that held model `id` finished: it may be evicted again. */
  release(id: string): void {
    const entry = this.loaded.get(id);
    if (entry && entry.users > 0) entry.users--;
    this.evictOver();
  }

  /** Unloads model `id` (counted as an eviction) unless a request uses it; nothing when it is not loaded. */
  drop(id: string): void {
    const entry = this.loaded.get(id);
    if (!entry || entry.users > 0) return;
    this.evict(id, entry);
  }

  /** What happened since the previous report, and the models held now. */
  report(): ModelReport {
    const report = { held: this.held, ...this.counts, loadMs: this.loadMs };
    this.counts = { hits: 0, misses: 0, loads: 0, failures: 0, evictions: 0 };
    this.loadMs = [];
    return report;
  }

  /** Unloads every model (at shutdown); a load that ends later is unloaded at once. */
  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.loaded];
    this.loaded.clear();
    await Promise.all(entries.map(([id, entry]) => this.unload(id, entry)));
  }

  private touch(id: string, entry: Entry<M>, hold: boolean): void {
    if (hold) entry.users++;
    entry.use.add(this.clock());
    if (this.loaded.get(id) === entry) {
      this.loaded.delete(id);
      this.loaded.set(id, entry);
    }
  }

  private async load(id: string): Promise<Entry<M>> {
    const { options } = this;
    const clock = this.clock;
    const memory = options.memoryBytes ?? defaultMemoryBytes;
    const before = memory();
    const started = clock();
    let model: M;
    try {
      model = await options.load(id);
    } catch (err) {
      this.counts.failures++;
      this.waitingHolds.delete(id);
      throw err;
    } finally {
      this.loading.delete(id);
    }
    this.counts.loads++;
    this.loadMs.push(clock() - started);
    const own = (model as { memoryMb?: unknown } | null)?.memoryMb;
    const sizeMb = typeof own === 'number' && own >= 0 ? own : Math.max(0, (memory() - before) / MB);
    // Held by the requests that waited for it, so no eviction between now and their turn takes it.
    const entry: Entry<M> = { model, sizeMb, users: this.waitingHolds.get(id) ?? 0, use: new ModelUseScore() };
    this.waitingHolds.delete(id);
    if (this.closed) {
      void this.unload(id, entry);
      return entry;
    }
    this.loaded.set(id, entry);
    this.evictOver(entry);
    options.loaded?.(id);
    return entry;
  }

  /** Evicts the models used least lately that no request uses (nor `keep`, just loaded) while over the count or the memory budget. */
  private evictOver(keep?: Entry<M>): void {
    const { capacity, maxMemoryMb } = this.options;
    const over = () =>
      this.loaded.size > capacity ||
      (maxMemoryMb !== undefined && this.totalMb() > maxMemoryMb && this.loaded.size > 1);
    const now = this.clock();
    while (over()) {
      let victim: [string, Entry<M>] | undefined;
      let lowest = Infinity;
      for (const [id, entry] of this.loaded) {
        if (entry.users > 0 || entry === keep) continue;
        const score = entry.use.value(now);
        if (score < lowest) [victim, lowest] = [[id, entry], score];
      }
      if (!victim) return;
      this.evict(...victim);
    }
  }

  private totalMb(): number {
    let total = 0;
    for (const entry of this.loaded.values()) total += entry.sizeMb;
    return total;
  }

  private evict(id: string, entry: Entry<M>): void {
    this.loaded.delete(id);
    this.counts.evictions++;
    void this.unload(id, entry);
  }

  private async unload(id: string, entry: Entry<M>): Promise<void> {
    try {
      await this.options.unload?.(entry.model, id);
    } catch (err) {
      this.options.unloadFailed?.(id, err);
    }
  }
}

function defaultMemoryBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}
