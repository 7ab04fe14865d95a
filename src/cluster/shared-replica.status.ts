/** What a shared replica's figures look like in `SharedReplica.status` (and the replica host's). */
export interface SharedReplicaStatus {
  id: string;
  backend: string;
  /** App instances using it. */
  apps: number;
  /** Calls running now, their most ever, and the limit they are held to. */
  inFlight: number;
  maxInFlight: number;
  maxConcurrentQueries: number;
  /** Calls it took (ran or runs), and those it refused because it was full. */
  calls: number;
  refused: number;
}
