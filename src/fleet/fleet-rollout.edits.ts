import type { FleetRollout, FleetState } from './fleet.state';

/** The rollout of `endpoint` in progress in `state`, if any (an ended one keeps its `result`). */
export function runningRollout(state: FleetState | undefined, endpoint: string): FleetRollout | undefined {
  const rollout = state?.rollouts?.[endpoint];
  return rollout && !rollout.result ? rollout : undefined;
}
