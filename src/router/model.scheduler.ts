import type { ModelRouting } from '../interfaces/multiplexed-options.interface';
import { chooseModelReplica, type ModelCandidate } from './model.affinity';
import type { ModelReport } from './model.report';
import { ModelUseScore } from './model-use.score';
import { pushTo } from '../utils/map.util';
import { ReplicaScheduler, type ReplicaSlot } from './replica.scheduler';

/** How a multiplexed backend's scheduler routes. */
export interface ModelSchedulerSettings {
  /** `maxModelsPerReplica`. */
  readonly capacity: number;
  /** See `MultiplexedOptions.hotModelInFlight`; default half of `maxConcurrentQueries`, at least 2. */
  readonly hotModelInFlight?: number;
  /** Models every replica loads at start (assumed held once it is ready, until it reports). */
  readonly preload?: readonly string[];
  /** See `MultiplexedOptions.idleCopyMs`; default 10 000 ms. */
  readonly idleCopyMs?: number;
  /** See `MultiplexedOptions.modelReplicas`. */
  readonly modelReplicas?: Readonly<Record<string, number>>;
  /** See `MultiplexedOptions.routing`. */
  readonly routing?: ModelRouting;
  /** Milliseconds now; default `performance.now`. */
  readonly clock?: () => number;
}

/** Queued requests a multiplexed backend's router may pass over to reach one it can place (see {@link ReplicaScheduler.mayPass}). */
const MAY_PASS = 16;

/** Default of `MultiplexedOptions.idleCopyMs`. */
const IDLE_COPY_MS = 10_000;

/** How often, at most, the scheduler looks for idle copies (on a request), ms. */
const SWEEP_MS = 1000;

/** One model on one replica, as the app knows it. */
interface Holding {
  /** Requests for it in flight there. */
  inFlight: number;
  /** Its load there is under way (sent, not reported back yet). */
  loading: boolean;
  /** Requests for it sent there lately (the replica evicts by the same count). */
  readonly use: ModelUseScore;
  /** When the replica was last asked to unload it (ms; 0: never). */
  askedAt: number;
}

/**
 * The scheduler of a multiplexed backend: knows which models each replica holds (from what it sent
 * there and what each replica reports with its results) and picks replicas for a model with
 * {@link chooseModelReplica}. Requests that name no model are scheduled as by {@link ReplicaScheduler}.
 */
export class ModelScheduler<S extends ReplicaSlot = ReplicaSlot> extends ReplicaScheduler<S> {
  private readonly holdings = new Map<S, Map<string, Holding>>();
  /** Copies asked to unload, by replica, until its next report says whether it did. */
  private readonly leaving = new Map<S, Map<string, Holding>>();
  private readonly clock: () => number;
  private swept = 0;

  constructor(
    maxConcurrentQueries: number,
    private readonly settings: ModelSchedulerSettings,
    /** Hears every report a replica sends (for the figures). */
    private readonly reported?: (slot: S, report: ModelReport) => void,
    /** Asks a replica to unload models (its idle extra copies). */
    private readonly unload?: (slot: S, ids: string[]) => void,
  ) {
    super(maxConcurrentQueries);
    this.clock = settings.clock ?? (() => performance.now());
  }

  override add(slot: S): void {
    super.add(slot);
    const held = new Map<string, Holding>();
    const preload = this.settings.preload ?? [];
    for (const id of preload.slice(-this.settings.capacity)) held.set(id, idle(false));
    this.holdings.set(slot, held);
  }

  override remove(slot: S): void {
    super.remove(slot);
    this.holdings.delete(slot);
    this.leaving.delete(slot);
  }

  override get mayPass(): number {
    return MAY_PASS;
  }

  override pick(modelId?: string): S | undefined {
    if (modelId === undefined) return super.pick();
    const now = this.clock();
    this.sweep(now);
    const slots = this.all;
    const candidates = slots.map((slot) => this.candidate(slot, modelId, now));
    const hot = this.settings.hotModelInFlight ?? Math.max(2, Math.ceil(this.maxConcurrentQueries / 2));
    const share = slots.length ? this.inFlight / slots.length : 0;
    const context = { hotAbove: Math.max(hot - 1, share), random: Math.random(), copies: this.copiesOf(modelId) };
    const index = chooseModelReplica(candidates, context, this.settings.routing);
    if (index === undefined) return undefined;
    const slot = slots[index];
    const models = this.modelsAt(slot);
    const holding = models.get(modelId) ?? idle(true);
    holding.inFlight++;
    holding.use.add(now);
    models.set(modelId, holding);
    return slot;
  }

  override finished(slot: S, modelId?: string, report?: ModelReport): void {
    const models = this.holdings.get(slot);
    if (!models) return;
    const holding = modelId === undefined ? undefined : models.get(modelId);
    if (holding) holding.inFlight--;
    if (report) {
      this.sync(slot, models, report);
      this.reported?.(slot, report);
    } else if (holding && holding.inFlight === 0 && holding.loading) {
      models.delete(modelId!);
    }
  }

  /** Models `slot` holds loaded, as far as the app knows. */
  modelsOf(slot: S): string[] {
    return [...(this.holdings.get(slot) ?? [])].filter(([, h]) => !h.loading).map(([id]) => id);
  }

  /**
   * At most every {@link SWEEP_MS}: a model held by more replicas than it needs (1, or its
   * `modelReplicas`) loses the copies that got no request for `idleCopyMs` and run none — the
   * copies made while it was hot, now cold (its requests stay on the copy used most). Preloaded
   * models are kept everywhere. The holdings go at once, so no request is sent to a copy leaving;
   * the replica's next report says whether it went (a shared replica keeps a copy other apps use):
   * one it kept is asked again at the earliest `idleCopyMs` after (not on every sweep).
   */
  private sweep(now: number): void {
    if (!this.unload || now - this.swept < SWEEP_MS) return;
    this.swept = now;
    const idleMs = this.settings.idleCopyMs ?? IDLE_COPY_MS;
    const preload = new Set(this.settings.preload);
    const holders = new Map<string, [S, Holding][]>();
    for (const [slot, models] of this.holdings) {
      for (const [id, h] of models) if (!h.loading && !preload.has(id)) pushTo(holders, id, [slot, h] as [S, Holding]);
    }
    const drops = new Map<S, string[]>();
    for (const [id, held] of holders) {
      const keep = this.copiesOf(id);
      if (held.length <= keep) continue;
      held.sort(([, a], [, b]) => b.use.value(now) - a.use.value(now));
      for (const [slot, h] of held.slice(keep)) {
        if (h.inFlight > 0 || now - Math.max(h.use.lastUse, h.askedAt) < idleMs) continue;
        this.holdings.get(slot)!.delete(id);
        h.askedAt = now;
        this.modelsAt(slot, this.leaving).set(id, h);
        pushTo(drops, slot, id);
      }
    }
    for (const [slot, ids] of drops) this.unload(slot, ids);
  }

  /** Replicas that should hold `id`: its `modelReplicas` (own keys only: an id may be `constructor`), else 1. */
  private copiesOf(id: string): number {
    const copies = this.settings.modelReplicas;
    return copies && Object.hasOwn(copies, id) ? copies[id] : 1;
  }

  /** `slot`'s models in `of` (its holdings, or its copies leaving), an empty map added if it has none. */
  private modelsAt(slot: S, of = this.holdings): Map<string, Holding> {
    let models = of.get(slot);
    if (!models) of.set(slot, (models = new Map()));
    return models;
  }

  /** The replica's own list wins: models it dropped go (unless requests for them still run there), ones it loaded or kept come. */
  private sync(slot: S, models: Map<string, Holding>, report: ModelReport): void {
    const held = new Set(report.held);
    for (const [id, holding] of this.leaving.get(slot) ?? [])
      if (held.has(id) && !models.has(id)) models.set(id, holding);
    this.leaving.delete(slot);
    for (const [id, holding] of models) {
      if (held.has(id)) holding.loading = false;
      else if (holding.inFlight <= 0) models.delete(id);
    }
    for (const id of held) if (!models.has(id)) models.set(id, idle(false));
  }

  private candidate(slot: S, modelId: string, now: number): ModelCandidate {
    const models = this.holdings.get(slot);
    const holding = models?.get(modelId);
    const size = models?.size ?? 0;
    let victimUse = Infinity;
    // Only a replica that would load the model without a free slot needs its victim (the others never compare it).
    if (!holding && size >= this.settings.capacity) {
      for (const h of models!.values())
        if (h.inFlight <= 0 && !h.loading) victimUse = Math.min(victimUse, h.use.value(now));
    }
    return {
      inFlight: slot.inFlight,
      hasRoom: slot.accepting && slot.inFlight < this.maxConcurrentQueries,
      holds: holding !== undefined,
      loading: holding?.loading ?? false,
      modelInFlight: holding?.inFlight ?? 0,
      modelUse: holding?.use.value(now) ?? 0,
      freeModelSlots: this.settings.capacity - size,
      victimUse,
    };
  }
}

function idle(loading: boolean): Holding {
  return { inFlight: 0, loading, use: new ModelUseScore(), askedAt: 0 };
}
