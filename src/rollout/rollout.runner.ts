import type {
  ResolvedRolloutOptions,
  RolloutProgress,
  RolloutResult,
  RolloutStep,
} from '../interfaces/rollout-options.interface';
import { judgeStep, type StepFigures } from '../router/rollout.judge';

/** One change a rollout makes to its endpoint: the split, the candidate's shadow, or both. */
export interface TrafficMove {
  /** The endpoint's new split; left as it is when unset. */
  traffic?: Record<string, number>;
  /** The share of the traffic shadowed to the candidate, 0 removing that shadow; left as it is when unset. */
  shadow?: number;
}

/** What a rollout reads and changes: one endpoint's split and shadow, and live figures. */
export interface RolloutTarget {
  /** Makes `move` in one change (the rollout holds the endpoint, so nobody else changes it). */
  move(move: TrafficMove): void | Promise<void>;
  /** Live figures of `backend` on the endpoint over the last `windowMs` (shadow copies included). */
  figures(backend: string, windowMs: number): StepFigures;
  /** Why `backend` cannot serve now (a crash loop, a failed deploy), or undefined when it can. */
  trouble(backend: string): string | undefined;
  /** The clock, epoch ms. */
  now(): number;
  /** Hears of each step as soon as it is judged (for the event log and the logs). */
  judged?(step: RolloutStep): void;
}

/** Where a rollout carried on by another instance of the fleet resumes: its step and the steps judged. */
export interface RolloutResume {
  /** Index of the step to run again from its start (-1: the shadow phase). */
  step: number;
  done: RolloutStep[];
  startedAt: number;
}

/** How often a running step is checked, in ms. */
const CHECK_EVERY_MS = 250;

/**
 * Runs one guarded rollout of an endpoint to a candidate backend: an optional shadow phase, then
 * each step's split held for `stepIntervalMs` and judged by {@link judgeStep} against the
 * thresholds and the current backend. A failed check, a candidate in trouble or {@link abort}
 * puts the previous split back in one traffic change. The promise {@link result} never rejects.
 */
export class RolloutRunner {
  /** Live progress, for `status()`, the metrics and the page. */
  readonly progress: RolloutProgress;
  /** Settles when the rollout ends, promoted or rolled back. */
  readonly result: Promise<RolloutResult>;
  private resolve!: (result: RolloutResult) => void;
  private aborted?: string;
  private wake?: () => void;
  private readonly baseline: string | undefined;

  constructor(
    readonly endpoint: string,
    readonly candidate: string,
    previous: Record<string, number>,
    private readonly options: ResolvedRolloutOptions,
    private readonly target: RolloutTarget,
    resume?: RolloutResume,
  ) {
    this.result = new Promise((resolve) => (this.resolve = resolve));
    // The yardstick: the backend that served most of the traffic before.
    this.baseline = Object.entries(previous)
      .filter(([name, weight]) => name !== candidate && weight > 0)
      .sort((a, b) => b[1] - a[1])[0]?.[0];
    this.progress = {
      endpoint,
      backend: candidate,
      previous: { ...previous },
      step: resume?.step ?? (options.shadowFirstMs > 0 ? -1 : 0),
      weight: 0,
      steps: [...options.steps],
      startedAt: resume?.startedAt ?? target.now(),
      done: [...(resume?.done ?? [])],
    };
  }

  /** Starts the steps; the outcome comes through {@link result}. */
  start(): void {
    void this.run()
      .catch((err: Error) => this.rollBack(`rollout failed: ${err.message}`))
      .catch((err: Error) => this.ended(`rollout failed: ${err.message}`))
      .then(this.resolve);
  }

  /** Ends the rollout now with the previous split back; `result` resolves `rolled-back` with `reason`. */
  abort(reason: string): void {
    this.aborted ??= reason;
    this.wake?.();
  }

  private async run(): Promise<RolloutResult> {
    const from = this.progress.step;
    if (this.options.shadowFirstMs > 0 && from < 0) {
      const step = await this.step(0, true, this.options.shadowFirstMs);
      if (step.verdict === 'fail') return this.rollBack(step.reason);
    }
    for (let i = Math.max(0, from); i < this.options.steps.length; i++) {
      this.progress.step = i;
      const step = await this.step(this.options.steps[i], false, this.options.stepIntervalMs);
      if (step.verdict === 'fail') return this.rollBack(step.reason);
    }
    await this.target.move({ traffic: { [this.candidate]: 1 } });
    return { outcome: 'promoted', steps: this.progress.done };
  }

  private async step(weight: number, shadow: boolean, holdMs: number): Promise<RolloutStep> {
    const startedAt = this.target.now();
    this.progress.weight = weight;
    this.progress.stepStartedAt = startedAt;
    await this.target.move(shadow ? { shadow: 1 } : { traffic: this.split(weight), shadow: 0 });
    const end = (verdict: 'pass' | 'fail', reason: string): RolloutStep => {
      const step: RolloutStep = { weight, shadow, startedAt, endedAt: this.target.now(), verdict, reason };
      this.progress.done.push(step);
      this.target.judged?.(step);
      return step;
    };
    for (;;) {
      await this.sleep(CHECK_EVERY_MS);
      if (this.aborted) return end('fail', this.aborted);
      const trouble = this.target.trouble(this.candidate);
      if (trouble) return end('fail', trouble);
      const elapsed = this.target.now() - startedAt;
      const candidate = this.target.figures(this.candidate, elapsed);
      const current = this.baseline ? this.target.figures(this.baseline, elapsed) : undefined;
      const verdict = judgeStep(candidate, current, this.options);
      this.progress.lastCheck = verdict.reason;
      if (verdict.verdict === 'fail') return end('fail', verdict.reason);
      if (elapsed < holdMs) continue;
      if (verdict.verdict === 'pass') return end('pass', verdict.reason);
      if (elapsed >= holdMs * this.options.maxWaitIntervals)
        return end('fail', `not enough traffic: ${verdict.reason}`);
    }
  }

  /** The previous split scaled to `1 - weight`, and `weight` on the candidate. */
  private split(weight: number): Record<string, number> {
    const others = Object.entries(this.progress.previous).filter(([name]) => name !== this.candidate);
    const total = others.reduce((sum, [, w]) => sum + w, 0);
    const traffic: Record<string, number> = {};
    for (const [name, w] of others) traffic[name] = total > 0 ? (w / total) * (1 - weight) : 0;
    traffic[this.candidate] = weight;
    return traffic;
  }

  private async rollBack(reason: string): Promise<RolloutResult> {
    await this.target.move({ traffic: { ...this.progress.previous }, shadow: 0 });
    return this.ended(reason);
  }

  private ended(reason: string): RolloutResult {
    this.progress.weight = this.progress.previous[this.candidate] ?? 0;
    return { outcome: 'rolled-back', reason, steps: this.progress.done };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
