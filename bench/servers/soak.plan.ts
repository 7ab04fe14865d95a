/** Backend names of the soak server (the class names). */
export const SOAK_THREAD = 'SoakThreadBackend';
export const SOAK_PROCESS = 'SoakProcessBackend';
/** The endpoint both soak backends serve. */
export const SOAK_ENDPOINT = '/soak';
/** Replicas per backend at rest (before the first change and after the reset). */
export const SOAK_BASE_REPLICAS = 2;

/** One control change of the soak, as the server applies it. */
export type SoakChange =
  | { kind: 'userConfig'; backend: string; userConfig: { version: number } }
  | { kind: 'traffic'; traffic: Record<string, number> }
  | { kind: 'scale'; backend: string; numReplicas: number };

const THREAD_SHARES = [0.25, 0.5, 0.75];

/**
 * The `step`-th control change (0-based): cycles of four — user config update, traffic split
 * change, scale up by one, scale back down — alternating between the process and the thread
 * backend from one cycle to the next, so every fourth step leaves replica counts at rest.
 */
export function soakChangeAt(step: number): SoakChange {
  const cycle = Math.floor(step / 4);
  const backend = cycle % 2 === 0 ? SOAK_PROCESS : SOAK_THREAD;
  switch (step % 4) {
    case 0:
      return { kind: 'userConfig', backend, userConfig: { version: step + 1 } };
    case 1: {
      const share = THREAD_SHARES[cycle % THREAD_SHARES.length];
      return { kind: 'traffic', traffic: { [SOAK_THREAD]: share, [SOAK_PROCESS]: 1 - share } };
    }
    case 2:
      return { kind: 'scale', backend, numReplicas: SOAK_BASE_REPLICAS + 1 };
    default:
      return { kind: 'scale', backend, numReplicas: SOAK_BASE_REPLICAS };
  }
}
