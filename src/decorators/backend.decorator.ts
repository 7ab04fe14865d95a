import { BACKEND_METADATA } from '../serve.constants';
import type { BackendOptions } from '../interfaces/backend-config.interface';
import { locateDefiningFile } from './defining-file.locator';

/** What `@Backend()` records on a class. */
export interface BackendMetadata extends BackendOptions {
  /** Module that declares the class, found when the decorator ran. */
  definedIn?: string;
}

/**
 * Marks a class as a backend: it runs as a pool of replicas (worker threads by default, or
 * child processes), each constructed with `initArgs` and configured with `reconfigure(userConfig)`.
 * Options are validated when the app starts.
 */
export function Backend(options: BackendOptions = {}): ClassDecorator {
  const definedIn = options.modulePath ?? locateDefiningFile();
  return (target) => {
    const metadata: BackendMetadata = { ...options, definedIn };
    Reflect.defineMetadata(BACKEND_METADATA, metadata, target);
  };
}
