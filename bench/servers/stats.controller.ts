import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Controller, Get } from '@nestjs/common';

/** Clock ticks per second of `/proc/<pid>/task/<tid>/stat` times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** What `GET /__stats` returns: cumulative counters, sampled before and after a measured window. */
export interface ServerStats {
  /** `process.cpuUsage()`: CPU of the whole process (main thread, worker threads, GC and libuv threads), µs. */
  cpu: NodeJS.CpuUsage;
  /** `performance.eventLoopUtilization()`: active and idle time of the main thread's event loop, ms. */
  elu: { idle: number; active: number; utilization: number };
  /** CPU time of the main thread alone from `/proc/self/task/<pid>/stat`, ms (Linux; 10 ms ticks). */
  mainThreadCpuMs?: number;
  /** `performance.now()`, ms. */
  now: number;
  /** Resident set size of this process, bytes. */
  rss: number;
}

/** Reads the main thread's user + system CPU time from procfs, or undefined off Linux. */
export function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** `GET /__stats` (counters for the orchestrator) and `GET /health` (a plain host route). */
@Controller()
export class StatsController {
  /** Cumulative CPU, event-loop and memory counters of this server process. */
  @Get('__stats')
  stats(): ServerStats {
    const elu = performance.eventLoopUtilization();
    return {
      cpu: process.cpuUsage(),
      elu,
      mainThreadCpuMs: mainThreadCpuMs(),
      now: performance.now(),
      rss: process.memoryUsage().rss,
    };
  }

  /** A cheap host route: the probe of the isolation scenario. */
  @Get('health')
  health(): { ok: boolean } {
    return { ok: true };
  }
}
