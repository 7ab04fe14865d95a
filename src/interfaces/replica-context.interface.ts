import type { ReplicaKind } from './backend-config.interface';

/** What code running in a replica knows of it: `replicaContext()` returns it inside a replica. */
export interface ReplicaContext {
  /** The backend the replica belongs to. */
  backend: string;
  /** The replica's id, e.g. `embed#2`. */
  replica: string;
  /** A worker thread or a child process (of the app, or of a replica host). */
  kind: ReplicaKind;
  /**
   * The backend's `cpusPerReplica`: how many threads the replica's own pools should use (e.g.
   * onnxruntime's `intraOpNumThreads`). A process replica also has it as `OMP_NUM_THREADS` and
   * `UV_THREADPOOL_SIZE` unless the backend's `env` sets them.
   */
  cpus: number;
}
