import type { RemoteOptions, ServeHandle } from '../interfaces/serve-request.interface';
import type { ServeDispatcher } from './serve.dispatcher';

/** A handle on `endpoint` that calls it through `dispatcher`, from Nest code in this app. */
export function createAppHandle(dispatcher: ServeDispatcher, endpoint: string): ServeHandle {
  return {
    endpoint,
    async remote<T>(payload?: unknown, options: RemoteOptions = {}): Promise<T> {
      const result = await dispatcher.dispatchByName(endpoint, payload, options);
      if (!result.ok) throw result.error;
      return result.value as T;
    },
  };
}
