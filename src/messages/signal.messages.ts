/** Messages of the signal pipeline: backend state reasons, health, event lines. */
export const signalMessages = {
  deployFailed: (backend: string, replica: string, why: string) =>
    `Backend '${backend}' has no ready replica: replica ${replica} failed to start (${why}). Fix the backend's code or config and create it again; meanwhile it keeps trying.`,
  starting: (backend: string, ready: number, target: number) =>
    `Backend '${backend}' is starting its replicas (${ready} of ${target} ready).`,
  unhealthy: (backend: string, ready: number, target: number, cause: string, starting: number) =>
    `Backend '${backend}' has ${ready} of ${target} replicas ready${cause}; ${starting ? `${starting} starting to replace them` : 'replacements follow'}.`,
  replicaDiedCause: (replica: string, why: string) => `: replica ${replica} died (${why})`,
  replicaStartFailedCause: (replica: string, why: string) => `: replica ${replica} failed to start (${why})`,
  updating: (backend: string) => `Backend '${backend}' is rolling out a config change to its replicas.`,
  upscaling: (backend: string, target: number, ready: number) =>
    `Backend '${backend}' is scaling up to ${target} replicas (${ready} ready).`,
  downscaling: (backend: string, target: number, live: number) =>
    `Backend '${backend}' is scaling down to ${target} replicas (${live} running, draining the rest).`,
  healthy: (backend: string, target: number) => `Backend '${backend}' has all ${target} replicas ready.`,
  noReplicasWanted: (backend: string) => `Backend '${backend}' has no replica by its config (numReplicas 0).`,
  eventReplicaStarted: (replica: string, kind: string, site: string) =>
    `Replica ${replica} started (${kind}, ${site}).`,
  eventReplicaStartFailed: (replica: string, why: string) => `Replica ${replica} failed to start: ${why}`,
  eventReplicaDied: (replica: string, why: string) => `Replica ${replica} died (${why}).`,
  eventReplicaRestarted: (replica: string, replaces: string) => `Replica ${replica} started to replace ${replaces}.`,
  eventReplicaStopped: (replica: string) => `Replica ${replica} stopped.`,
  eventConfigRolledOut: (backend: string, changed: string[]) =>
    `Backend '${backend}': ${changed.join(', ')} rolled out to every replica.`,
  eventScaled: (backend: string, from: number, to: number, cause: string) =>
    `Backend '${backend}' scaled from ${from} to ${to} replicas (${cause}).`,
  healthShuttingDown: () => 'nestjs-serve is shutting down: draining in-flight requests; no new requests are accepted.',
};
