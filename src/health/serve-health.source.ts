import type { ServeStatus } from '../interfaces/serve-status.interface';

/** Injection token of what {@link ServeHealthIndicator} reads (`ServeService` provides it). */
export const SERVE_HEALTH_SOURCE = Symbol('nestjs-serve:health-source');

/** What {@link ServeHealthIndicator} reads: the status, and whether the app is draining. */
export interface ServeHealthSource {
  /** The status now. */
  status(): ServeStatus;
  /** `true` once the app is shutting down. */
  readonly shuttingDown: boolean;
}
