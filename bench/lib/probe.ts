import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ServerStats } from '../servers/stats.controller';

/** Fetches `GET /__stats` of a server child. */
export async function fetchStats(port: number): Promise<ServerStats> {
  const res = await fetch(`http://127.0.0.1:${port}/__stats`);
  if (!res.ok) throw new Error(`/__stats answered ${res.status}`);
  return (await res.json()) as ServerStats;
}

/** Main-thread and process CPU per request between two samples, µs. */
export interface CpuPerRequest {
  /** Event-loop active time (ELU × wall) per request: the main-thread measure. */
  eluUs: number;
  /** Main thread's own CPU from procfs per request (10 ms ticks; NaN off Linux). */
  mainThreadUs: number;
  /** `process.cpuUsage()` (user + system, all threads of the process) per request. */
  processUs: number;
}

/** CPU per request between `before` and `after` for `requests` requests. */
export function cpuPerRequest(before: ServerStats, after: ServerStats, requests: number): CpuPerRequest {
  const per = (us: number): number => (requests > 0 ? us / requests : NaN);
  const main =
    after.mainThreadCpuMs !== undefined && before.mainThreadCpuMs !== undefined
      ? (after.mainThreadCpuMs - before.mainThreadCpuMs) * 1000
      : NaN;
  const cpu = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
  return { eluUs: per((after.elu.active - before.elu.active) * 1000), mainThreadUs: per(main), processUs: per(cpu) };
}

/** VmRSS of a process from `/proc/<pid>/status`, MB (NaN if it is gone or off Linux). */
export function rssMb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Pids whose parent is `pid` (scans `/proc`; empty off Linux). */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return found;
  }
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(name));
    } catch {
      // process ended while scanning
    }
  }
  return found;
}

/** Clock ticks per second of procfs CPU times (USER_HZ). */
const USER_HZ = 100;

/** CPU counters at one instant, ms: the whole machine, one server's process trees, and this (load-generating) process. */
export interface CpuSnapshot {
  at: number;
  machineBusyMs: number;
  serverMs: number;
  benchMs: number;
}

/** Where the machine's CPU went between two snapshots, in cores (CPU seconds per second). */
export interface CpuShares {
  server: number;
  bench: number;
  /** Everything else on the machine: other users of this shared host. */
  others: number;
}

/**
 * Takes a {@link CpuSnapshot} of the server's processes (its own pid, and for a run with remote
 * replicas the replica host's and NATS server's) and their child processes; machine and server
 * figures are NaN off Linux.
 */
export function cpuSnapshot(serverPids: readonly number[]): CpuSnapshot {
  const own = process.cpuUsage();
  const tree = serverPids.flatMap((pid) => [pid, ...childPids(pid)]).reduce((sum, pid) => sum + processCpuMs(pid), 0);
  return {
    at: performance.now(),
    machineBusyMs: machineBusyMs(),
    serverMs: tree,
    benchMs: (own.user + own.system) / 1000,
  };
}

/** CPU shares between two snapshots. */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot): CpuShares {
  const wall = after.at - before.at;
  const server = (after.serverMs - before.serverMs) / wall;
  const bench = (after.benchMs - before.benchMs) / wall;
  return { server, bench, others: Math.max(0, (after.machineBusyMs - before.machineBusyMs) / wall - server - bench) };
}

function machineBusyMs(): number {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / USER_HZ;
  } catch {
    return NaN;
  }
}

function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}
