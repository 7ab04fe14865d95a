import type { FleetRollout, FleetState } from './fleet.state';
import { ownEntry } from '../utils/object.util';

/** The rollout of `endpoint` in progress in `state`, if any (an ended one keeps its `result`). */
export function runningRollout(state: FleetState | undefined, endpoint: string): FleetRollout | undefined {
  const rollout = ownEntry(state?.rollouts, endpoint);
  return rollout && !rollout.result ? rollout : undefined;
}
