import type { Logger } from '@nestjs/common';
import { BackendAutoscaler } from '../autoscaling/backend.autoscaler';
import { autoscaledChange } from '../fleet/fleet-autoscaling.edits';
import { same } from '../fleet/fleet.diff';
import { sumFleetLoad } from '../fleet/fleet-load.sum';
import type { FleetChange } from '../fleet/fleet.change';
import type { FleetInstance, FleetScaleRecord, StoredFleetState } from '../fleet/fleet.state';
import type { ResolvedAutoscalingConfig } from '../interfaces/autoscaling-config.interface';
import type { FleetAutoscalingLoad, FleetBackendLoad } from '../interfaces/serve-status.interface';
import { fleetMessages } from '../messages/fleet.messages';
import type { ScaleDecision } from '../router/autoscaling.policy';
import { isServeError } from '../serve.errors';
import { ownEntry } from '../utils/object.util';

/** What the fleet's autoscaling needs from this instance's place in the fleet. */
export interface FleetAutoscalingHost {
  /** The desired state this instance applied last. */
  applied(): StoredFleetState | undefined;
  /** Writes a change (rebased on any newer state) under the change lock and applies it here. */
  decide(change: FleetChange): Promise<void>;
  /** True while this instance holds the decider lease. */
  readonly isDecider: boolean;
  /** This instance, for status() and the logs. */
  readonly label: string;
  /** The other instances as their last heartbeats say. */
  others(): FleetInstance[];
  /** This instance's own load of `backend` now, if it runs it autoscaled. */
  load(backend: string): FleetBackendLoad | undefined;
}

/**
 * Autoscaling of a fleet. On the instance holding the decider lease, one {@link BackendAutoscaler}
 * per backend autoscaled in the desired state judges the load summed over every instance (its own
 * now, the others' from heartbeats at most `maxAgeMs` old) per site, and writes each move as the
 * backend's `numReplicas` in the desired state, which every instance applies as any change. They
 * start afresh whenever the lease comes here (no decision on another decider's evidence) and stop
 * when it goes. On any instance, a request waiting while the backend runs no replica raises it
 * from zero at once ({@link wake}), without waiting for the decider to hear of it.
 */
export class FleetAutoscaler {
  private readonly scalers = new Map<string, BackendAutoscaler>();
  /** Each backend's numReplicas in the state applied last, to see another writer change it. */
  private readonly counts = new Map<string, number>();
  private readonly waking = new Set<string>();
  private stopped = false;

  constructor(
    private readonly host: FleetAutoscalingHost,
    private readonly logger: Logger,
    private readonly maxAgeMs: number,
  ) {}

  /** Follows the state applied last and the lease: runs an autoscaler per autoscaled backend while deciding. */
  sync(): void {
    const wanted = new Map<string, ResolvedAutoscalingConfig>();
    if (this.host.isDecider && !this.stopped)
      for (const [name, backend] of Object.entries(this.host.applied()?.state.backends ?? {}))
        if (backend.config.autoscaling) wanted.set(name, backend.config.autoscaling);
    for (const [name, scaler] of this.scalers)
      if (!wanted.has(name)) {
        scaler.stop();
        this.scalers.delete(name);
      }
    for (const [name, config] of wanted) {
      const scaler = this.scalers.get(name);
      const count = ownEntry(this.host.applied()?.state.backends, name)?.config.numReplicas;
      if (!scaler) this.start(name, config);
      else if (!same(scaler.settings, config)) scaler.update(config);
      // Raised from zero by another instance, or set by hand: what was sampled judged the old count.
      else if (count !== this.counts.get(name)) scaler.reset();
      this.counts.set(name, count ?? 0);
    }
  }

  /** A request waits at this instance while `backend` runs no replica: sets its numReplicas to 1 in the fleet. */
  wake(backend: string): void {
    const found = ownEntry(this.host.applied()?.state.backends, backend);
    if (this.stopped || this.waking.has(backend) || !found?.config.autoscaling || found.config.numReplicas !== 0)
      return;
    this.waking.add(backend);
    this.logger.log(fleetMessages.scaledFromZero(backend, this.host.label));
    const reason = `a request waited at instance ${this.host.label} while no replica ran`;
    const record = { target: 1, from: 0, reason, at: Date.now(), decidedBy: this.host.label };
    void this.host
      .decide(autoscaledChange(backend, record))
      .catch((err: Error) => this.failed(backend, err))
      .finally(() => this.waking.delete(backend));
  }

  /** Stops deciding (the app is closing); a write in progress finishes. */
  stop(): void {
    this.stopped = true;
    this.sync();
  }

  private start(name: string, config: ResolvedAutoscalingConfig): void {
    let load: FleetAutoscalingLoad | undefined;
    const scaler = new BackendAutoscaler(
      {
        name,
        ongoing: () => {
          load = sumFleetLoad(name, this.host.load(name), this.host.others(), Date.now(), this.maxAgeMs);
          return load.perSite;
        },
        replicaCount: () => ownEntry(this.host.applied()?.state.backends, name)?.config.numReplicas ?? 0,
        scaleTo: (target, decision) => this.write(name, target, decision, load),
      },
      config,
      (err) => this.failed(name, err),
    );
    this.scalers.set(name, scaler);
    scaler.start();
  }

  private async write(
    name: string,
    target: number,
    decision: ScaleDecision,
    load?: FleetAutoscalingLoad,
  ): Promise<void> {
    if (!this.host.isDecider || !this.scalers.has(name)) return;
    const from = ownEntry(this.host.applied()?.state.backends, name)?.config.numReplicas ?? 0;
    const record: FleetScaleRecord = {
      target,
      from,
      reason: decision.reason,
      at: Date.now(),
      decidedBy: this.host.label,
      ...(load ? { fleetLoad: load } : {}),
    };
    const figures = load
      ? `${load.ongoing} ongoing requests on ${load.instances} instance(s) over ${load.sites} site(s)`
      : 'no figures';
    this.logger.log(fleetMessages.autoscaled(name, this.host.label, from, target, figures, decision.reason));
    await this.host.decide(autoscaledChange(name, record));
  }

  private failed(backend: string, err: Error): void {
    // A decision overtaken by another write (a count raised from zero, changed by hand) is no failure.
    if (isServeError(err) && err.code === 'CONFLICT') this.logger.debug(err.message);
    else this.logger.error(fleetMessages.autoscaleWriteFailed(backend, this.host.label, err.message));
  }
}
