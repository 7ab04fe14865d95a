import { calibrateCpuWork, calibrateSentiment } from '../work/workloads';

/** Workload sizes found on this machine, passed to every server through the environment. */
export interface Calibration {
  /** Iterations of the CPU-bound handler (scenario F) that take ~{@link CPU_TARGET_MS}. */
  cpuIterations: number;
  /** AFINN scorings of the ~200-word text per request (scenarios H, I) that take ~{@link SENTIMENT_TARGET_MS}. */
  sentimentRepeats: number;
}

/** Target cost of one scenario-F request, ms. */
export const CPU_TARGET_MS = 5;
/** Target cost of one scenario-H request, ms (the brief asks for at least 2). */
export const SENTIMENT_TARGET_MS = 3;

/** Times both workloads in this process (best of several tries, so background load does not shrink them). */
export function calibrate(): Calibration {
  return { cpuIterations: calibrateCpuWork(CPU_TARGET_MS), sentimentRepeats: calibrateSentiment(SENTIMENT_TARGET_MS) };
}

/** The environment that hands a calibration to the servers and their replicas. */
export function calibrationEnv(c: Calibration): Record<string, string> {
  return { BENCH_CPU_ITERATIONS: String(c.cpuIterations), BENCH_SENTIMENT_REPEATS: String(c.sentimentRepeats) };
}
