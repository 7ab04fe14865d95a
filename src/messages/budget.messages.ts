type Share = { backend: string; replicas: number; cpusPerReplica: number };
const share = (s: Share) =>
  `backend '${s.backend}' ${s.replicas} replica${s.replicas === 1 ? '' : 's'} × ${s.cpusPerReplica} cpu${s.cpusPerReplica === 1 ? '' : 's'}`;

/** Messages of `cpusPerReplica`: the machine's cores overrun, a thread replica's `env`, a refused change. */
export const budgetMessages = {
  coresOverrun: (total: number, cores: number, shares: Share[]) =>
    `The local replicas' CPU budgets add up to ${total} cores (${shares.map(share).join(', ')}), but this machine has ${cores}: their threads will contend and every replica slows down. Lower numReplicas (or autoscaling.maxReplicas) or cpusPerReplica of those backends, or run some of them on replica hosts (placement 'remote').`,
  hostCoresOverrun: (host: string, total: number, cores: number, shares: Share[]) =>
    `Replica host ${host}: its replicas' CPU budgets add up to ${total} cores (${shares.map(share).join(', ')}), but this machine has ${cores}: their threads will contend. numReplicas counts per machine: lower it or cpusPerReplica of those backends, give this replica host fewer --backend, or run it on a bigger machine.`,
  threadEnv: (backend: string, keys: string[]) =>
    `Backend '${backend}' runs in threads: its env (${keys.join(', ')}) reaches the replicas' JavaScript (process.env) but not native libraries, which read the app's one process environment. For a library that reads it (OpenMP, onnxruntime, CUDA), use replica: 'process'; to size a pool in code, read replicaContext().cpus.`,
  cpusFixed: (backend: string, current: number, wanted: unknown) =>
    `updateBackendConfig('${backend}'): cpusPerReplica is ${current} and cannot change on a running backend (its replicas started with that budget in their environment). Create a new backend with cpusPerReplica ${String(wanted)} (createBackend) and move traffic to it (setTraffic or rollout).`,
};
