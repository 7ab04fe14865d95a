import type { MultiplexedMetadata } from '../decorators/multiplexed.decorator';
import type { ServeRequest } from '../interfaces/serve-request.interface';
import type { ModelReport } from '../router/model.report';
import { ServeError } from '../serve.errors';
import { modelMessages } from '../serve.messages';
import { ModelCache } from './model.cache';

type Instance = Record<string, unknown>;

/** Longest a replica waits for `unload()` of its models when it stops, in ms. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * The models of one replica of a multiplexed backend: loads a request's model before its handler
 * runs (`request.model`), keeps it from eviction while the request runs, routes the instance's own
 * calls of its load method through the cache, preloads at start and unloads everything at stop.
 */
export class ReplicaModels {
  private readonly cache: ModelCache;
  /** The model of each call running, by call id. */
  private readonly running = new Map<number, string>();

  constructor(
    instance: Instance,
    metadata: MultiplexedMetadata,
    private readonly backend: string,
    private readonly replica: string,
    /** A model was loaded: the replica tells the app at once (once it is ready). */
    loaded: () => void,
  ) {
    const load = (instance[metadata.method] as (id: string) => unknown).bind(instance);
    const unload = typeof instance.unload === 'function' ? (instance.unload as (m: unknown) => unknown) : undefined;
    const { maxModelsPerReplica, maxModelMemoryMb } = metadata.options;
    this.cache = new ModelCache({
      capacity: maxModelsPerReplica,
      maxMemoryMb: maxModelMemoryMb,
      load: async (id) => load(id),
      unload: unload && ((model) => unload.call(instance, model)),
      loaded,
      unloadFailed: (id, err) => console.warn(modelMessages.unloadFailed(backend, replica, id, reason(err))),
    });
    // Ray Serve's style: `await this.load(id)` in a handler goes through the cache too.
    instance[metadata.method] = (id: string) => this.cache.get(String(id), false, false);
    this.preloadIds = metadata.options.preload ?? [];
  }

  private readonly preloadIds: readonly string[];

  /**
   * Loads the `preload` models one after the other (loads, not misses); a failure is logged, its
   * first request tries again.
   */
  async preload(): Promise<void> {
    for (const id of this.preloadIds) {
      try {
        await this.cache.get(id, false, false);
      } catch (err) {
        console.warn(modelMessages.preloadFailed(this.backend, this.replica, id, reason(err)));
      }
    }
  }

  /**
   * Loads call `id`'s model (from the cache when held) into `request.model`. Rejects with a 400
   * when the request names no model, a 503 naming the backend and model when `load()` threw.
   */
  async prepare(id: number, request: ServeRequest): Promise<void> {
    const modelId = request.modelId;
    if (typeof modelId !== 'string' || modelId === '')
      throw new ServeError('BAD_REQUEST', modelMessages.missingModelId(this.backend));
    this.running.set(id, modelId);
    try {
      request.model = await this.cache.get(modelId, true);
    } catch (err) {
      this.running.delete(id);
      const message = modelMessages.loadFailed(this.backend, this.replica, modelId, reason(err));
      throw new ServeError('MODEL_LOAD_FAILED', message, { body: { backend: this.backend, modelId } });
    }
  }

  /** Call `id` ended: its model may be evicted again. */
  finished(id: number): void {
    const modelId = this.running.get(id);
    if (modelId === undefined) return;
    this.running.delete(id);
    this.cache.release(modelId);
  }

  /** Unloads these models unless a request uses them or their load is under way. */
  unload(ids: readonly string[]): void {
    for (const id of ids) this.cache.drop(id);
  }

  /** What happened to the models since the previous report. */
  report(): ModelReport {
    return this.cache.report();
  }

  /** Unloads every model (the replica stops), waiting at most {@link CLOSE_TIMEOUT_MS}. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)));
    await Promise.race([this.cache.close(), timeout]);
    clearTimeout(timer);
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
