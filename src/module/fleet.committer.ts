import type { LoggerService } from '@nestjs/common';
import { fleetChanges, type FleetChange } from '../fleet/fleet.change';
import type { FleetWriter } from '../fleet/fleet.writer';
import { fleetMessages } from '../messages/fleet.messages';
import type { FleetApplier } from './fleet.applier';

/**
 * Writes one change of this instance to the fleet's desired state and applies it here. The change
 * is written from the stored desired state this instance applied last ({@link FleetApplier.desired}),
 * never from what it runs, so a step it could not apply (a backend whose code it lacks) stays in
 * the fleet for the instances that can. Only a failure of the change's own entities undoes it.
 */
export class FleetCommitter {
  constructor(
    private readonly writer: FleetWriter,
    private readonly applier: FleetApplier,
    private readonly logger: LoggerService,
    /** Tells the fleet the revision this instance applied (its heartbeat). */
    private readonly beat: () => void,
  ) {}

  /**
   * Writes `change` (compare-and-set; see FleetWriter) and applies it. The caller holds the
   * ChangeLock. A change this instance fails to apply is taken back out of the desired state and
   * its error thrown; other entities' steps that fail again here are logged. Resolves with the
   * revision written.
   */
  async commit(change: FleetChange): Promise<number> {
    const base = this.applier.desired;
    const written = await this.writer.write(change, base);
    const failed = await this.applier.apply(written);
    const own = failed.filter((failure) => change.touches.includes(failure.key));
    for (const failure of failed)
      if (!own.includes(failure)) this.logger.error(this.applier.describe(failure, written.revision));
    if (own.length) {
      const undo = fleetChanges.restore(change.what, base.state, change.touches);
      await this.writer
        .write(undo, written)
        .then((undone) => this.applier.apply(undone))
        .catch((err: Error) => this.logger.error(fleetMessages.undone(change.what, err.message)));
      this.beat();
      throw own[0].error;
    }
    this.beat();
    return written.revision;
  }
}
