import { performance } from 'node:perf_hooks';
import { mainThreadCpuMs } from './stats.controller';

/** IPC request from the orchestrator: keep `inFlight` calls going for `seconds`, then answer with the figures. */
export interface ClosedLoopCommand {
  type: 'closed-loop';
  id: number;
  seconds: number;
  inFlight: number;
}

/** What one closed-loop window measured in the server process (counters over the window only). */
export interface ClosedLoopFigures {
  /** Calls that settled inside the window. */
  calls: number;
  /** Of those, calls that rejected. */
  failures: number;
  /** Length of the window, s (from when the calls started to when the loop stopped issuing). */
  seconds: number;
  /** Event-loop active time of the main thread over the window (ELU × wall), ms. */
  eluActiveMs: number;
  /** Main thread's own CPU from `/proc/self/task/<pid>/stat` over the window, ms (10 ms ticks; NaN off Linux). */
  mainThreadCpuMs: number;
  /** `process.cpuUsage()` over the window (every thread of the process), µs. */
  processCpuUs: number;
}

/** The orchestrator's answer to a {@link ClosedLoopCommand} (or to a profiler command, without figures). */
export interface CommandAck {
  type: 'ack';
  id: number;
  error?: string;
  figures?: ClosedLoopFigures;
}

/**
 * Keeps exactly `inFlight` calls of `call` in flight for `seconds`: each settled call starts the
 * next one until the window ends, then the loop stops issuing, lets the calls in flight settle
 * (not counted), and resolves with the window's figures. No HTTP, no timer per call.
 */
export function runClosedLoop(
  call: () => Promise<unknown>,
  inFlight: number,
  seconds: number,
): Promise<ClosedLoopFigures> {
  return new Promise<ClosedLoopFigures>((resolve) => {
    let open = true;
    let running = 0;
    let calls = 0;
    let failures = 0;
    let figures: ClosedLoopFigures | undefined;
    const elu = performance.eventLoopUtilization();
    const main = mainThreadCpuMs() ?? NaN;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const settled = (): void => {
      running--;
      if (open) start();
      else if (running === 0) resolve(figures!);
    };
    const succeeded = (): void => {
      calls++;
      settled();
    };
    const failed = (): void => {
      calls++;
      failures++;
      settled();
    };
    const start = (): void => {
      running++;
      call().then(succeeded, failed);
    };
    setTimeout(() => {
      open = false;
      const used = process.cpuUsage(cpu);
      figures = {
        calls,
        failures,
        seconds: (performance.now() - started) / 1000,
        eluActiveMs: performance.eventLoopUtilization(elu).active,
        mainThreadCpuMs: (mainThreadCpuMs() ?? NaN) - main,
        processCpuUs: used.user + used.system,
      };
      if (running === 0) resolve(figures);
    }, seconds * 1000);
    for (let i = 0; i < inFlight; i++) start();
  });
}

/** Answers {@link ClosedLoopCommand}s over IPC by running `call` in a closed loop. */
export function listenForClosedLoop(call: () => Promise<unknown>): void {
  process.on('message', (message: ClosedLoopCommand) => {
    if (message?.type !== 'closed-loop') return;
    runClosedLoop(call, message.inFlight, message.seconds).then(
      (figures) => process.send?.({ type: 'ack', id: message.id, figures } satisfies CommandAck),
      (err: unknown) => process.send?.({ type: 'ack', id: message.id, error: String(err) } satisfies CommandAck),
    );
  });
}
