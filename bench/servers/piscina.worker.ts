/** Piscina task of server B: the same handler as everywhere else. */
import { hello, noop as noopHandler } from '../work/workloads';

/** Returns the small JSON. */
export default function task(): ReturnType<typeof hello> {
  return hello();
}

/** The no-op handler (`name: 'noop'`). */
export function noop(): ReturnType<typeof noopHandler> {
  return noopHandler();
}
