import { Backend, Endpoint } from '../../src';

/** Soak run: the thread half of endpoint `/soak`; echoes the user config version it last received. */
@Backend({ numReplicas: 2, replica: 'thread', requestTimeoutMs: 5000, userConfig: { version: 0 } })
export class SoakThreadBackend {
  private version = -1;

  /** Takes the version the soak's control loop rolls out. */
  reconfigure(config: { version: number }): void {
    this.version = config.version;
  }

  /** `GET /soak`: which backend answered, with which config version. */
  @Endpoint({ route: '/soak' })
  call(): { backend: 'thread'; version: number } {
    return { backend: 'thread', version: this.version };
  }
}
