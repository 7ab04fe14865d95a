import type {
  ReplicaKind,
  ReplicaPlacementOption,
  ResolvedBackendConfig,
} from '../interfaces/backend-config.interface';

/** The variables `cpusPerReplica` sets for a process replica: OpenMP runtimes (onnxruntime, PyTorch, BLAS) and libuv's pool. */
export const BUDGET_ENV_KEYS = ['OMP_NUM_THREADS', 'UV_THREADPOOL_SIZE'] as const;

/**
 * The environment a replica starts with: for a process replica, {@link BUDGET_ENV_KEYS} set to its
 * budget, under the backend's own `env` (an explicit value wins). A thread replica shares the app's
 * process environment, which native libraries read: it gets the backend's `env` alone.
 */
export function budgetEnv(
  kind: ReplicaKind,
  cpus: number,
  env: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (kind !== 'process') return env;
  return { ...Object.fromEntries(BUDGET_ENV_KEYS.map((key) => [key, String(cpus)])), ...env };
}

/** One backend's part of the machine's cores. */
export interface CpuShare {
  backend: string;
  /** Local replicas counted: `numReplicas`, or `autoscaling.maxReplicas` (the most it may run). */
  replicas: number;
  cpusPerReplica: number;
  /** `replicas × cpusPerReplica`. */
  cpus: number;
}

/** What a backend contributes to the budget: its name, placement and config. */
export interface BudgetedBackend {
  name: string;
  placement: ReplicaPlacementOption;
  config: Pick<ResolvedBackendConfig, 'numReplicas' | 'cpusPerReplica' | 'autoscaling'>;
}

/**
 * The shares of the replicas that run on this machine. Replicas on replica hosts use other
 * machines' cores, so `'remote'` backends count nothing; an autoscaled backend counts the larger of
 * its current count and `maxReplicas`, so the warning comes before the peak, not during it.
 */
export function localCpuShares(backends: Iterable<BudgetedBackend>): CpuShare[] {
  const shares: CpuShare[] = [];
  for (const { name, placement, config } of backends) {
    if (placement === 'remote') continue;
    const replicas = Math.max(config.numReplicas, config.autoscaling?.maxReplicas ?? 0);
    const cpusPerReplica = config.cpusPerReplica;
    shares.push({ backend: name, replicas, cpusPerReplica, cpus: replicas * cpusPerReplica });
  }
  return shares;
}

/** The shares of the replicas a replica host runs (for any app), by backend. */
export function hostedCpuShares(replicas: Iterable<{ backend: string; cpus: number }>): CpuShare[] {
  const byBackend = new Map<string, CpuShare>();
  for (const { backend, cpus } of replicas) {
    const share = byBackend.get(backend) ?? { backend, replicas: 0, cpusPerReplica: cpus, cpus: 0 };
    share.replicas += 1;
    share.cpus += cpus;
    byBackend.set(backend, share);
  }
  return [...byBackend.values()];
}

/** Local replicas' budgets that exceed the machine's cores. */
export interface CpuOverrun {
  /** The sum of the shares. */
  total: number;
  cores: number;
  /** Shares of the backends that have replicas here, largest first. */
  shares: CpuShare[];
}

/**
 * The overrun to warn of: when the shares add up to more than `cores` and to more than
 * `previousTotal` (the sum before the change being checked, 0 at start-up), so a change that
 * lowers or keeps the sum says nothing again. Undefined otherwise.
 */
export function cpuOverrun(shares: CpuShare[], cores: number, previousTotal = 0): CpuOverrun | undefined {
  const total = shares.reduce((sum, share) => sum + share.cpus, 0);
  if (total <= cores || total <= previousTotal) return undefined;
  const counted = shares.filter((share) => share.cpus > 0).sort((a, b) => b.cpus - a.cpus);
  return { total, cores, shares: counted };
}
