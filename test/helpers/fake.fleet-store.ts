import type { FleetBeat, FleetInstance, FleetState, StoredFleetState } from '../../src/fleet/fleet.state';
import type { FleetStore, FleetWatch } from '../../src/fleet/fleet.store';
import { RevisionConflict } from '../../src/fleet/revision.conflict';

/**
 * A FleetStore in memory with the KV store's rules: one revision counter, compare-and-set writes.
 * `interpose` runs once before the next update is judged: a test's way to make another
 * instance write in between.
 */
export class FakeFleetStore implements FleetStore {
  revision = 0;
  current?: StoredFleetState;
  writes = 0;
  interpose?: () => void;
  readonly beats = new Map<string, FleetBeat>();

  async read(): Promise<StoredFleetState | undefined> {
    return this.current && structuredClone(this.current);
  }

  async create(state: FleetState): Promise<number> {
    if (this.current) throw new RevisionConflict(0);
    return this.put(state);
  }

  async update(state: FleetState, revision: number): Promise<number> {
    const interpose = this.interpose;
    this.interpose = undefined;
    interpose?.();
    if (this.current?.revision !== revision) throw new RevisionConflict(revision);
    return this.put(state);
  }

  /** Another instance's write, unconditional. */
  put(state: FleetState): number {
    this.writes++;
    this.current = { revision: ++this.revision, state: structuredClone(state) };
    return this.revision;
  }

  async watch(_after: number, _seen: (stored: StoredFleetState) => void): Promise<FleetWatch> {
    return { stop: () => undefined, ended: new Promise(() => undefined) };
  }

  async beat(beat: FleetBeat): Promise<void> {
    this.beats.set(beat.id, beat);
  }

  async forget(id: string): Promise<void> {
    this.beats.delete(id);
  }

  async instances(): Promise<FleetInstance[]> {
    return [...this.beats.values()].map((beat) => ({ ...beat, lastSeen: Date.now() }));
  }

  async watchInstances(_seen: (id: string, instance: FleetInstance | undefined) => void): Promise<FleetWatch> {
    return { stop: () => undefined, ended: new Promise(() => undefined) };
  }
}
