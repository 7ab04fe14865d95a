import type { ServeHandle } from './interfaces/serve-request.interface';
import { currentHandleProvider } from './replicas/replica.context';
import { ServeError } from './serve.errors';
import { messages } from './serve.messages';

/**
 * A handle on `endpoint`. Inside a backend replica it calls through the host's traffic policy
 * (model composition); in the host it is `ServeService.getHandle(endpoint)` of the running module.
 */
export function getHandle(endpoint: string): ServeHandle {
  const provider = currentHandleProvider();
  if (!provider) throw new ServeError('NOT_FOUND', messages.handleOutsideHost());
  return provider.getHandle(endpoint);
}
