import { replicaContext } from '../src';

/**
 * Threads one replica's onnxruntime session uses inside an operator (`intraOpNumThreads`): the
 * replica's CPU budget (`cpusPerReplica`, default 1), so that the replicas together use the cores
 * they were given and no more. `ONNX_INTRA_OP_THREADS` overrides it (`0`: onnxruntime's own
 * default, one thread per core in every replica — the "unbounded" case the bench compares).
 */
export function onnxThreadsPerReplica(): number {
  const override = process.env.ONNX_INTRA_OP_THREADS;
  if (override !== undefined && /^\d+$/.test(override)) return Number(override);
  return replicaContext()?.cpus ?? 1;
}
