/** An integer from the environment, or `fallback` when unset, empty or not a number. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = Number(raw);
  return raw !== undefined && raw.trim() !== '' && Number.isFinite(value) ? value : fallback;
}

/** The replica kind from `BENCH_REPLICA_KIND` (`thread` unless it says `process`). */
export function envReplicaKind(): 'thread' | 'process' {
  return process.env.BENCH_REPLICA_KIND === 'process' ? 'process' : 'thread';
}

/** Where replicas run, from `BENCH_PLACEMENT` (`local` unless it says `remote`: on a replica host over NATS). */
export function envPlacement(): 'local' | 'remote' {
  return process.env.BENCH_PLACEMENT === 'remote' ? 'remote' : 'local';
}
