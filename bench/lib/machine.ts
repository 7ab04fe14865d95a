import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** What the report says about where it ran. */
export interface MachineInfo {
  node: string;
  cpuModel: string;
  cores: number;
  memoryGb: number;
  /** 1-minute load average when the run started (other work on the machine skews figures). */
  loadAverage: string;
}

/** Node version, CPU model and core count (procfs when available), memory and load. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  let loadAverage = 'n/a';
  try {
    loadAverage = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    // not Linux
  }
  return {
    node: process.version,
    cpuModel: list[0]?.model.trim() || 'unknown',
    cores: list.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAverage,
  };
}
