import type { Logger } from '@nestjs/common';
import { BackendAutoscaler } from '../autoscaling/backend.autoscaler';
import type { ResolvedAutoscalingConfig } from '../interfaces/autoscaling-config.interface';
import { messages } from '../serve.messages';
import type { AutoscalingDelegate } from './autoscaling.delegate';

/** What autoscaling needs from the backend it scales. */
export interface AutoscalingControlOptions {
  readonly name: string;
  readonly logger: Logger;
  /** Requests queued and in flight over every site. */
  ongoing(): number;
  /** Sites replicas run on (this app, replica hosts). */
  sites(): number;
  /** `numReplicas`: the count per site. */
  replicas(): number;
  /** Scales every site to `n` replicas (one scale at a time). */
  scale(n: number): Promise<void>;
  /** Who decides instead of this instance, if anyone (a fleet's decider, while the fleet is shared). */
  delegate?(): AutoscalingDelegate | undefined;
}

/**
 * Keeps a backend's {@link BackendAutoscaler} in step with its `autoscaling` config: starts it,
 * gives it new settings, stops it when autoscaling is turned off or the backend drains.
 * `numReplicas` counts per site, so each site is given its share of the load. While a
 * {@link AutoscalingDelegate} is active (a fleet) it stands by, and a request waiting at zero
 * replicas asks the delegate to raise the count.
 */
export class AutoscalingControl {
  private autoscaler?: BackendAutoscaler;
  private minReplicas = 1;

  constructor(private readonly options: AutoscalingControlOptions) {}

  /** The last decision, if autoscaling is on and decided anything. */
  get last(): BackendAutoscaler['last'] {
    return this.autoscaler?.last;
  }

  /** True when autoscaling is on and may scale to zero, so a request can wait for a replica it starts. */
  get scalesFromZero(): boolean {
    return !!this.autoscaler && this.minReplicas === 0;
  }

  /** A request is waiting: at zero replicas, start one now. */
  kick(): void {
    const delegate = this.options.delegate?.();
    if (!this.autoscaler || !delegate?.active()) return this.autoscaler?.kick();
    if (this.options.replicas() === 0) delegate.wake(this.options.name);
  }

  /** Applies `config` (undefined, or `active` false, stops autoscaling). */
  sync(config: ResolvedAutoscalingConfig | undefined, active: boolean): void {
    if (!config || !active) {
      this.autoscaler?.stop();
      this.autoscaler = undefined;
      return;
    }
    this.minReplicas = config.minReplicas;
    if (this.autoscaler) {
      if (JSON.stringify(this.autoscaler.settings) !== JSON.stringify(config)) this.autoscaler.update(config);
      return;
    }
    const { options } = this;
    this.autoscaler = new BackendAutoscaler(
      {
        name: options.name,
        ongoing: () => options.ongoing() / Math.max(1, options.sites()),
        replicaCount: () => options.replicas(),
        standingBy: () => options.delegate?.()?.active() === true,
        scaleTo: async (target, decision) => {
          options.logger.log(messages.autoscaled(options.name, options.replicas(), target, decision.reason));
          await options.scale(target);
        },
      },
      config,
      (err) => options.logger.error(messages.autoscaleFailed(options.name, err.message)),
    );
    this.autoscaler.start();
  }
}
