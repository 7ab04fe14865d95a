import { Backend } from '../../src';
import { SoakBackend, soakBackendOptions } from './soak.backend';

/** Soak run: the process half of endpoint `/soak`, the replicas the soak SIGKILLs (the body is `SoakBackend`'s). */
@Backend(soakBackendOptions('process'))
export class SoakProcessBackend extends SoakBackend<'process'> {
  protected override readonly kind = 'process';
}
