import type { FromReplica, WireError } from '../replicas/replica.protocol';

/** One app's claim on a shared replica: the app's own replica (its key), mapped onto the shared one. */
export interface ReplicaClaim {
  readonly app: string;
  readonly key: string;
  /** The app's `maxConcurrentQueries` for the backend (changed live with the batching settings). */
  limit: number;
  /** The user config the app started its replica with (encoded), when it has one. */
  readonly config?: string;
  /** The app's ids of its calls and controls in flight → the ids they have in the shared replica. */
  readonly ids: Map<number, number>;
  /** The app asked its replica to stop: detached once its calls are done. */
  stopping: boolean;
  /** Sends messages to the app. */
  send(batch: FromReplica[]): void;
}

/** Who waits for an answer of a shared replica. */
export interface ReplicaOwner {
  readonly claim: ReplicaClaim;
  /** The id in the app's numbering. */
  readonly id: number;
  /** A call (it holds one of the replica's admission slots), not a control. */
  readonly call: boolean;
  readonly reconfigure: boolean;
  /** A reconfigure the replica host made itself, to bring the replica to a newcomer's config. */
  readonly internal?: (error?: WireError) => void;
}

/**
 * The ids of a shared replica: each app numbers its calls and controls from 1, so every one gets
 * a fresh id of the replica's own, mapped back to its app and id when the answer comes.
 */
export class ReplicaOwners {
  private readonly owners = new Map<number, ReplicaOwner>();
  private nextId = 1;

  /** True while a reconfigure runs in the replica. */
  get reconfiguring(): boolean {
    for (const owner of this.owners.values()) if (owner.reconfigure) return true;
    return false;
  }

  /** The claims owning the calls running, oldest first (ids grow, and a map keeps their order). */
  *callers(): Iterable<ReplicaClaim> {
    for (const owner of this.owners.values()) if (owner.call) yield owner.claim;
  }

  /** The owner of the replica's id `id`. */
  get(id: number): ReplicaOwner | undefined {
    return this.owners.get(id);
  }

  /** A new replica id for `claim`'s `appId` (internal ones are not the app's). */
  own(
    claim: ReplicaClaim,
    appId: number,
    call: boolean,
    internal?: ReplicaOwner['internal'],
    reconfigure = false,
  ): number {
    const id = this.nextId++;
    this.owners.set(id, { claim, id: appId, call, internal, reconfigure });
    if (!internal) claim.ids.set(appId, id);
    return id;
  }

  /** Id `id` was answered or cancelled: forgets it and says whose it was. */
  ended(id: number): ReplicaOwner | undefined {
    const owner = this.owners.get(id);
    if (!owner) return undefined;
    this.owners.delete(id);
    if (!owner.internal) owner.claim.ids.delete(owner.id);
    return owner;
  }
}
