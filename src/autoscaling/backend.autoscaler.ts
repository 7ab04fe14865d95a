import type { ResolvedAutoscalingConfig } from '../interfaces/autoscaling-config.interface';
import { AutoscalingPolicy, type ScaleDecision } from '../router/autoscaling.policy';

/** What the autoscaler reads and changes of one backend. */
export interface ScalableBackend {
  /** Backend name, for messages. */
  readonly name: string;
  /** Requests queued and running, including those waiting for replicas still starting. */
  ongoing(): number;
  /** Replicas running or starting (per site), those draining away excluded. */
  replicaCount(): number;
  /** Moves to `target` replicas (per site); scale-down drains before it stops a replica. */
  scaleTo(target: number, decision: ScaleDecision): Promise<void>;
  /** True while another instance decides for this backend (a fleet's decider): no decision here. */
  standingBy?(): boolean;
}

/**
 * Samples a backend's load every `intervalMs` and applies the {@link AutoscalingPolicy}'s
 * decisions, one at a time: while a scale runs, its outcome is awaited before the next decision,
 * so scale-up never overshoots `maxReplicas` with replicas still starting; after it, the history
 * starts again, so the next move needs its full delay of evidence about the new count.
 */
export class BackendAutoscaler {
  private readonly policy: AutoscalingPolicy;
  private timer?: NodeJS.Timeout;
  private scaling?: Promise<void>;
  /** The last decision taken and when, for `status()` and the metrics. */
  last?: ScaleDecision & { at: number };

  constructor(
    private readonly backend: ScalableBackend,
    config: ResolvedAutoscalingConfig,
    private readonly onError: (err: Error) => void,
  ) {
    this.policy = new AutoscalingPolicy(config);
  }

  /** Current settings. */
  get settings(): ResolvedAutoscalingConfig {
    return this.policy.settings;
  }

  /** Starts sampling. */
  start(): void {
    this.stop();
    this.timer = setInterval(() => this.tick(), this.policy.settings.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling; a scale in progress finishes. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** New settings, from `updateBackendConfig`: the history starts again. */
  update(config: ResolvedAutoscalingConfig): void {
    const restart = config.intervalMs !== this.policy.settings.intervalMs && this.timer !== undefined;
    this.policy.update(config);
    if (restart) this.start();
  }

  /** Forgets the evidence gathered so far: the count was changed by another writer, so it judged the old count. */
  reset(): void {
    this.policy.reset();
  }

  /** A request arrived: decides now instead of at the next tick (the fast path from zero replicas). */
  kick(): void {
    if (this.timer && this.backend.replicaCount() === 0) this.tick();
  }

  /** Resolves when no scale is running. */
  async settled(): Promise<void> {
    while (this.scaling) await this.scaling;
  }

  private tick(): void {
    if (this.scaling) return;
    // What is sampled while standing by would be stale once this instance decides again.
    if (this.backend.standingBy?.()) return this.policy.reset();
    const decision = this.policy.decide(Date.now(), this.backend.ongoing(), this.backend.replicaCount());
    if (!decision || decision.target === this.backend.replicaCount()) return;
    this.last = { ...decision, at: Date.now() };
    this.scaling = this.backend
      .scaleTo(decision.target, decision)
      .catch((err: Error) => this.onError(err))
      .finally(() => {
        this.scaling = undefined;
        // What was sampled before judged the old count: the next decision waits its full delay again.
        this.policy.reset();
      });
  }
}
