import { resolve } from 'node:path';
import { ServeError } from '../serve.errors';
import { messages } from '../serve.messages';

/**
 * True when `file` is the process's entry module (`node main.js`, `tsx main.ts`): `require.main`'s
 * file, or `process.argv[1]` with or without its extension. A backend declared there cannot run in
 * replicas: each replica loads the backend's file and would start the whole app again.
 */
export function isEntryModule(
  file: string,
  entries: readonly (string | undefined)[] = [require.main?.filename, process.argv[1]],
): boolean {
  const target = resolve(file);
  const withoutExtension = target.replace(/\.[cm]?[jt]sx?$/, '');
  return entries.some((entry) => entry !== undefined && [target, withoutExtension].includes(resolve(entry)));
}

/** Fails start-up when a backend is declared in the entry file, naming the class and saying to move it. */
export function assertNotInEntryFile(spec: { className: string; modulePath: string }): void {
  if (isEntryModule(spec.modulePath))
    throw new ServeError('INVALID_CONFIG', messages.backendInEntryFile(spec.className, spec.modulePath));
}
