/** Who holds the fleet's decider lease. */
export interface LeaseHolder {
  id: string;
  name: string;
}

/**
 * Where the decider lease is kept: one key that expires when its holder stops renewing it (NATS
 * JetStream's key-value store in `cluster/`, a fake in unit tests). Every call is compare-and-set,
 * so at most one instance holds it at a time.
 */
export interface LeaseStore {
  /** Takes the lease when nobody holds it: resolves with its revision, or undefined when another instance holds it. */
  acquireLease(holder: LeaseHolder): Promise<number | undefined>;
  /** Renews the lease held at `revision`: the new revision, or undefined when it was lost meanwhile. */
  renewLease(holder: LeaseHolder, revision: number): Promise<number | undefined>;
  /** Who holds it now, if anyone. */
  leaseHolder(): Promise<LeaseHolder | undefined>;
  /** Gives it up (the holder is closing), so another instance takes over at once. */
  releaseLease(revision: number): Promise<void>;
}
