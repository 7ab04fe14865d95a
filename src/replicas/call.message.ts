import type { ServeRequest } from '../interfaces/serve-request.interface';

/**
 * The `call` message of the replica protocol (`{ t: 'call', id, m, r }`), built by a constructor
 * rather than an object literal: it lives as long as the turn that queues it, and a literal's
 * allocation site can be pretenured by V8 (see `PendingCall`).
 */
export class CallMessage {
  readonly t = 'call';

  constructor(
    readonly id: number,
    readonly m: string,
    readonly r: ServeRequest,
  ) {}
}
