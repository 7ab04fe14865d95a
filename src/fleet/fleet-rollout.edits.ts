import type { FleetChange } from './fleet.change';
import type { FleetRollout, FleetState } from './fleet.state';

/** The rollout of `endpoint` in progress in `state`, if any (an ended one keeps its `result`). */
export function runningRollout(state: FleetState | undefined, endpoint: string): FleetRollout | undefined {
  const rollout = state?.rollouts?.[endpoint];
  return rollout && !rollout.result ? rollout : undefined;
}

/**
 * A change of the desired state made by the rollouts. With no `touches` it is re-applied on any
 * newer state (the decider's own writes: `edit` checks what it needs and throws otherwise).
 */
export function rolloutEdit(
  what: string,
  touches: FleetChange['touches'],
  edit: (state: FleetState) => void,
): FleetChange {
  return {
    what,
    touches,
    needs: [],
    apply(state) {
      const next = structuredClone(state);
      edit(next);
      return next;
    },
  };
}
