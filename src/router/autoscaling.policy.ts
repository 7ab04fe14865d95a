import type { AutoscalingConfig, ResolvedAutoscalingConfig } from '../interfaces/autoscaling-config.interface';
import { DEFAULT_AUTOSCALING_CONFIG } from '../serve.constants';

/** A change of replica count the policy asks for. */
export interface ScaleDecision {
  /** The replica count to move to. */
  target: number;
  /** Ongoing requests (averaged over the look-back) the decision was taken on. */
  ongoing: number;
  /** Why, for the event log: e.g. `ongoing 7.6 / target 2 held 1000 ms`. */
  reason: string;
}

interface Recommendation {
  at: number;
  /** What the load asks for when judged for a scale-up: past a boundary by more than the tolerance. */
  up: number;
  /** What the load asks for when judged for a scale-down: at or under a boundary. */
  down: number;
}

/**
 * Decides a backend's replica count from its ongoing requests (queued + running, including those
 * waiting for replicas that are still starting). Pure: the owner samples the load every
 * `intervalMs` and calls {@link decide} with the time; the policy keeps the history.
 *
 * Against flapping it holds a decision in time and in size: a scale-up happens only when every
 * recommendation of the last `upscaleDelayMs` asked for more, a scale-down only when every one of
 * the last `downscaleDelayMs` asked for less (as Kubernetes' HPA stabilisation window does), and
 * then goes in one move to where the load of the last look-back asks; and the count goes up from `n` only
 * when the load is more than `tolerance` past `n` replicas' worth, but down only when it fits in
 * `n - 1`, so a load hovering at a boundary counts neither way. Load is counted in total
 * (not per replica), so the drop in per-replica load right after a scale-up cannot trigger a
 * scale-down. From zero replicas the first ongoing request starts one at once.
 */
export class AutoscalingPolicy {
  private samples: { at: number; ongoing: number }[] = [];
  private history: Recommendation[] = [];
  private since?: number;

  constructor(private config: ResolvedAutoscalingConfig) {}

  /** Current settings. */
  get settings(): ResolvedAutoscalingConfig {
    return this.config;
  }

  /** New settings: the history starts again, so no decision mixes the two. */
  update(config: ResolvedAutoscalingConfig): void {
    this.config = config;
    this.reset();
  }

  /** Forgets the history (e.g. after the count was changed by hand). */
  reset(): void {
    this.samples = [];
    this.history = [];
    this.since = undefined;
  }

  /**
   * Takes one sample: `ongoing` requests now, `current` replicas running or starting. Returns the
   * count to move to, or undefined to stay.
   */
  decide(now: number, ongoing: number, current: number): ScaleDecision | undefined {
    const { minReplicas, maxReplicas, targetOngoingRequests, lookBackMs, tolerance } = this.config;
    this.since ??= now;
    this.samples.push({ at: now, ongoing });
    while (this.samples.length > 1 && this.samples[0].at <= now - lookBackMs) this.samples.shift();
    const average = this.samples.reduce((sum, s) => sum + s.ongoing, 0) / this.samples.length;

    if (current < minReplicas)
      return { target: minReplicas, ongoing: average, reason: `below minReplicas ${minReplicas}` };
    if (current > maxReplicas)
      return { target: maxReplicas, ongoing: average, reason: `above maxReplicas ${maxReplicas}` };
    if (current === 0 && ongoing > 0) {
      return { target: Math.max(1, minReplicas), ongoing, reason: 'a request arrived while no replica runs' };
    }

    const wanted = average / targetOngoingRequests;
    const clamp = (n: number) => Math.min(maxReplicas, Math.max(minReplicas, n));
    this.history.push({ at: now, up: clamp(Math.ceil(wanted / (1 + tolerance))), down: clamp(Math.ceil(wanted)) });
    const keep = Math.max(this.config.upscaleDelayMs, this.config.downscaleDelayMs);
    while (this.history.length > 1 && this.history[0].at < now - keep) this.history.shift();

    const up = this.held(now, this.config.upscaleDelayMs, (r) => r.up > current);
    if (up) {
      const target = Math.min(...this.recent(up, now).map((r) => r.up));
      return { target, ongoing: average, reason: this.why(average, 'up', this.config.upscaleDelayMs) };
    }
    const down = this.held(now, this.config.downscaleDelayMs, (r) => r.down < current);
    if (down) {
      const target = Math.max(...this.recent(down, now).map((r) => r.down));
      return { target, ongoing: average, reason: this.why(average, 'down', this.config.downscaleDelayMs) };
    }
    return undefined;
  }

  /** The recommendations of the last look-back: where the load is now, once it has held. */
  private recent(window: Recommendation[], now: number): Recommendation[] {
    const recent = window.filter((r) => r.at > now - this.config.lookBackMs);
    return recent.length > 0 ? recent : window.slice(-1);
  }

  /** The recommendations of the last `delayMs`, if the history covers that span and all of them pass. */
  private held(now: number, delayMs: number, passes: (r: Recommendation) => boolean): Recommendation[] | undefined {
    if (now - this.since! < delayMs) return undefined;
    const window = this.history.filter((r) => r.at >= now - delayMs);
    return window.length > 0 && window.every(passes) ? window : undefined;
  }

  private why(average: number, direction: 'up' | 'down', delayMs: number): string {
    const target = this.config.targetOngoingRequests;
    return `ongoing requests ${average.toFixed(1)} / targetOngoingRequests ${target}, held ${delayMs} ms (scale ${direction})`;
  }
}

/** Fills in the defaults of an autoscaling config; `maxReplicas` defaults to the larger of `minReplicas` and 4. */
export function resolveAutoscalingConfig(config: AutoscalingConfig): ResolvedAutoscalingConfig {
  const resolved: ResolvedAutoscalingConfig = { ...DEFAULT_AUTOSCALING_CONFIG };
  for (const key of Object.keys(resolved) as (keyof ResolvedAutoscalingConfig)[]) {
    if (config[key] !== undefined) resolved[key] = config[key];
  }
  if (config.maxReplicas === undefined)
    resolved.maxReplicas = Math.max(resolved.minReplicas, DEFAULT_AUTOSCALING_CONFIG.maxReplicas);
  return resolved;
}
