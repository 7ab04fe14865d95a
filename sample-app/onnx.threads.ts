/**
 * Threads one replica's onnxruntime session uses inside an operator (`intraOpNumThreads`). One:
 * the replicas are the parallelism, and a replica that spread one inference over every core would
 * fight the other replicas and the host's HTTP thread for them. This is the one place the number
 * is chosen; a per-replica CPU budget from the backend's options belongs here.
 */
export function onnxThreadsPerReplica(): number {
  return 1;
}
