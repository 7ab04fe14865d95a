import { Endpoint, type BackendOptions, type ReplicaKind } from '../../src';

/** The `@Backend()` options both halves of the soak's `/soak` endpoint share; only the replica kind differs. */
export function soakBackendOptions(replica: ReplicaKind): BackendOptions {
  return { numReplicas: 2, replica, requestTimeoutMs: 5000, userConfig: { version: 0 } };
}

/**
 * Soak run: the body of both halves of endpoint `/soak` (`SoakThreadBackend`, `SoakProcessBackend`),
 * which echoes the replica kind that answered and the user config version it last received.
 */
export abstract class SoakBackend<K extends ReplicaKind> {
  /** The replica kind the subclass's `@Backend()` runs it on, echoed in every answer. */
  protected abstract readonly kind: K;
  private version = -1;

  /** Takes the version the soak's control loop rolls out. */
  reconfigure(config: { version: number }): void {
    this.version = config.version;
  }

  /** `GET /soak`: which backend answered, with which config version. */
  @Endpoint({ route: '/soak' })
  call(): { backend: K; version: number } {
    return { backend: this.kind, version: this.version };
  }
}
