import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread only (Linux keeps a nice value per
 * thread), so the app's event loop wins the CPU from busy replicas. Elsewhere, or without
 * permission, it leaves the priority as it is.
 */
export function lowerPriority(nice: number): void {
  if (!nice || process.platform !== 'linux') return;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, nice);
  } catch {
    // not permitted or not available: the replica runs at the app's priority
  }
}
