import type { ModelsStatus } from '../interfaces/serve-status.interface';
import type { ModelReport } from '../router/model.report';
import { BucketHistogram } from './bucket.histogram';

/** Where the models of one multiplexed replica are, for {@link ModelFigures.status}. */
export interface ReplicaModels {
  /** The replica's id. */
  readonly id: string;
  /** The models it holds. */
  readonly models: readonly string[];
}

/**
 * The model figures of a multiplexed backend, summed from its replicas' reports: hits, misses,
 * loads, failed loads, evictions and load times (a histogram in seconds, for the metrics).
 */
export class ModelFigures {
  /** Requests whose replica held their model. */
  hits = 0;
  /** Requests whose replica did not (they loaded it or waited for its load). */
  misses = 0;
  /** Successful `load()` calls. */
  loads = 0;
  /** `load()` calls that threw. */
  loadFailures = 0;
  /** Models evicted and unloaded. */
  evictions = 0;
  /** Load times, in seconds. */
  readonly loadSeconds = new BucketHistogram();
  private lastMs: number | null = null;
  private maxMs: number | null = null;

  /** @param maxModelsPerReplica the backend's cap, shown with the figures. */
  constructor(readonly maxModelsPerReplica: number) {}

  /** Adds one replica's report. */
  record(report: ModelReport): void {
    this.hits += report.hits;
    this.misses += report.misses;
    this.loads += report.loads;
    this.loadFailures += report.failures;
    this.evictions += report.evictions;
    for (const ms of report.loadMs) {
      this.loadSeconds.observe(ms / 1000);
      this.lastMs = ms;
      this.maxMs = Math.max(this.maxMs ?? 0, ms);
    }
  }

  /** The figures with where the models are now. */
  status(replicas: readonly ReplicaModels[]): ModelsStatus {
    const holders: Record<string, string[]> = {};
    let held = 0;
    for (const r of replicas) {
      held += r.models.length;
      for (const id of r.models) (holders[id] ??= []).push(r.id);
    }
    const requests = this.hits + this.misses;
    const loads = this.loadSeconds.count;
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return {
      maxModelsPerReplica: this.maxModelsPerReplica,
      modelsPerReplica: replicas.length ? round(held / replicas.length) : 0,
      holders,
      hits: this.hits,
      misses: this.misses,
      hitRate: requests ? this.hits / requests : null,
      loads: this.loads,
      loadFailures: this.loadFailures,
      evictions: this.evictions,
      loadLatency: {
        lastMs: this.lastMs === null ? null : round(this.lastMs),
        meanMs: loads ? round((this.loadSeconds.sum / loads) * 1000) : null,
        p99Ms: loads ? round(this.loadSeconds.quantile(0.99) * 1000) : null,
        maxMs: this.maxMs === null ? null : round(this.maxMs),
      },
    };
  }
}
