import { readCodeVersion, shortCodeVersion } from '../replicas/code.version';
import { moduleFile } from '../replicas/module.loader';
import { deployMessages } from '../serve.messages';

/**
 * Why replica host `host` must not start a replica of `backend`: its module at `modulePath` is not
 * the code version `pinned` the app pinned (or cannot be read). Undefined when it is the same code.
 * Reads the file once, when a replica is asked for.
 */
export function codePinMismatch(host: string, modulePath: string, backend: string, pinned: string): string | undefined {
  const file = moduleFile(modulePath);
  let found: string;
  try {
    found = readCodeVersion(file);
  } catch (err) {
    found = `unreadable (${(err as Error).message})`;
  }
  if (found === pinned) return undefined;
  return deployMessages.agentCodeMismatch(host, backend, file, shortCodeVersion(pinned), shortCodeVersion(found));
}
