import { Backend } from '../../src';
import { SoakBackend, soakBackendOptions } from './soak.backend';

/** Soak run: the thread half of endpoint `/soak` (the body is `SoakBackend`'s). */
@Backend(soakBackendOptions('thread'))
export class SoakThreadBackend extends SoakBackend<'thread'> {
  protected override readonly kind = 'thread';
}
