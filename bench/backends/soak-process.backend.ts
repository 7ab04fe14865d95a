import { Backend, Endpoint } from '../../src';

/** Soak run: the process half of endpoint `/soak` (the replicas the soak SIGKILLs); echoes its config version. */
@Backend({ numReplicas: 2, replica: 'process', requestTimeoutMs: 5000, userConfig: { version: 0 } })
export class SoakProcessBackend {
  private version = -1;

  /** Takes the version the soak's control loop rolls out. */
  reconfigure(config: { version: number }): void {
    this.version = config.version;
  }

  /** `GET /soak`: which backend answered, with which config version. */
  @Endpoint({ route: '/soak' })
  call(): { backend: 'process'; version: number } {
    return { backend: 'process', version: this.version };
  }
}
