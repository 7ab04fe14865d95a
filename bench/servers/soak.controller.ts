import { performance } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { BadRequestException, Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { ServeService } from '../../src';
import {
  SOAK_BASE_REPLICAS,
  SOAK_ENDPOINT,
  SOAK_PROCESS,
  SOAK_THREAD,
  soakChangeAt,
  type SoakChange,
} from './soak.plan';

/** What `GET /__soak/memory` returns: `process.memoryUsage()` right after a full GC, bytes. */
export interface SoakMemory extends NodeJS.MemoryUsage {
  /** How long the full GC took, ms. */
  gcMs: number;
  /** `process.getActiveResourcesInfo()` counted by type (timers, sockets, handles that keep the loop alive). */
  activeResources: Record<string, number>;
}

/** What `POST /__soak/change` returns. */
export interface SoakChangeResult {
  change: SoakChange;
  /** Until the change's promise settled (in effect everywhere), ms. */
  ms: number;
  /** The rejection's message when the change was refused. */
  error?: string;
}

/** Replica counts of one backend, from `listBackends()`. */
export interface SoakBackendState {
  ready: number;
  replicas: number;
  restarts: number;
}

/**
 * The soak's control surface on the host app: full GC + memory, heap snapshots, the next control
 * change, a reset to the resting state, and replica counts. Bench only: it is never part of a
 * user's app.
 */
@Controller('__soak')
export class SoakController {
  constructor(@Inject(ServeService) private readonly serve: ServeService) {}

  /** Runs a full GC (the host runs with `--expose-gc`) and returns the memory figures after it. */
  @Get('memory')
  memory(): SoakMemory {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new BadRequestException('the soak host needs node --expose-gc for GET /__soak/memory');
    const started = performance.now();
    gc();
    const gcMs = performance.now() - started;
    const activeResources: Record<string, number> = {};
    for (const type of process.getActiveResourcesInfo()) activeResources[type] = (activeResources[type] ?? 0) + 1;
    return { ...process.memoryUsage(), gcMs, activeResources };
  }

  /** Writes a heap snapshot of the host to `file` (absolute path). */
  @Post('heap-snapshot')
  heapSnapshot(@Body() body: { file?: string }): { file: string; ms: number } {
    if (typeof body?.file !== 'string') throw new BadRequestException('POST /__soak/heap-snapshot needs { file }');
    const started = performance.now();
    const file = writeHeapSnapshot(body.file);
    return { file, ms: performance.now() - started };
  }

  /** Applies control change number `step` of the soak plan and waits until it is in effect. */
  @Post('change')
  async change(@Body() body: { step?: number }): Promise<SoakChangeResult> {
    if (typeof body?.step !== 'number') throw new BadRequestException('POST /__soak/change needs { step }');
    const change = soakChangeAt(body.step);
    const started = performance.now();
    try {
      await this.apply(change);
      return { change, ms: performance.now() - started };
    } catch (err) {
      return { change, ms: performance.now() - started, error: (err as Error).message };
    }
  }

  /** Puts both backends back at rest: base replica count, an even traffic split. */
  @Post('reset')
  async reset(): Promise<{ ms: number }> {
    const started = performance.now();
    await this.serve.updateBackendConfig(SOAK_THREAD, { numReplicas: SOAK_BASE_REPLICAS });
    await this.serve.updateBackendConfig(SOAK_PROCESS, { numReplicas: SOAK_BASE_REPLICAS });
    await this.serve.setTraffic(SOAK_ENDPOINT, { [SOAK_THREAD]: 0.5, [SOAK_PROCESS]: 0.5 });
    return { ms: performance.now() - started };
  }

  /** Ready and total replicas per backend. */
  @Get('state')
  state(): Record<string, SoakBackendState> {
    const listing = this.serve.listBackends() as Record<string, { replicas?: { state: string }[]; restarts?: number }>;
    return Object.fromEntries(
      Object.entries(listing).map(([name, b]) => [
        name,
        {
          ready: (b.replicas ?? []).filter((r) => r.state === 'ready').length,
          replicas: (b.replicas ?? []).length,
          restarts: b.restarts ?? 0,
        },
      ]),
    );
  }

  private apply(change: SoakChange): Promise<void> {
    switch (change.kind) {
      case 'userConfig':
        return this.serve.updateBackendConfig(change.backend, { userConfig: change.userConfig });
      case 'traffic':
        return this.serve.setTraffic(SOAK_ENDPOINT, change.traffic);
      case 'scale':
        return this.serve.updateBackendConfig(change.backend, { numReplicas: change.numReplicas });
    }
  }
}
