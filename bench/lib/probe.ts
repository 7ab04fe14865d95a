import { readFileSync, readdirSync } from 'node:fs';
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
  const main = after.mainThreadCpuMs !== undefined && before.mainThreadCpuMs !== undefined ? (after.mainThreadCpuMs - before.mainThreadCpuMs) * 1000 : NaN;
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
