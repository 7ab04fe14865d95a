import type { WireOutcome } from './replica.protocol';
import type { StreamOpened } from './replica.interface';

/**
 * A call in flight in a `ChannelReplica`: who hears its end, and where its chunks go once it
 * streams. A class, not an object literal, because V8 may pretenure a literal's allocation site
 * (allocate its objects straight in the old generation) when many of them are alive at one
 * collection, and a pretenured object keeps every young object it points to alive through the
 * young collections: on the handle path that was most of the host thread's garbage collection.
 */
export class PendingCall {
  push?: (chunk: unknown) => void;

  constructor(
    readonly done: (outcome: WireOutcome) => void,
    readonly opened: StreamOpened | undefined,
  ) {}
}
