/** Piscina task of server B: the same handler as everywhere else. */
import { hello } from '../work/workloads';

/** Returns the small JSON. */
export default function task(): ReturnType<typeof hello> {
  return hello();
}
