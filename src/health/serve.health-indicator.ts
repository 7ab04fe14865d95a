import { Inject, Injectable } from '@nestjs/common';
import type { BackendState } from '../interfaces/serve-status.interface';
import { SERVE_HEALTH_SOURCE, type ServeHealthSource } from './serve-health.source';
import { signalMessages } from '../serve.messages';

/** One backend in the indicator's details. */
export type BackendHealth = {
  /** The backend's state. */
  state: BackendState;
  /** Its ready replicas. */
  ready: number;
  /** Replicas it should have. */
  desired: number;
};

/** The details the indicator adds under its key. */
// A type alias, not an interface: Terminus wants details assignable to Record<string, unknown>.
export type ServeHealthDetails = {
  /** Why it is down; absent when up. */
  reason?: string;
  /** Each backend's state and ready replicas, by name. */
  backends: Record<string, BackendHealth>;
};

/**
 * What {@link ServeHealthIndicator.isHealthy} returns: Terminus' `HealthIndicatorResult<Key, 'up' | 'down',
 * ServeHealthDetails>`, written out so that the package's types never import `@nestjs/terminus` (an
 * app without it type-checks with `skipLibCheck: false`).
 */
export type ServeHealthResult<Key extends string = 'serve'> = Record<
  Key,
  { status: 'up' | 'down' } & ServeHealthDetails
>;

/**
 * A `@nestjs/terminus` health indicator: up when every backend has a ready replica (a backend
 * configured with no replica counts as up); down with the reason otherwise, and while the app
 * shuts down. Add it to a health check with one line:
 * `() => this.serve.isHealthy('serve')`.
 */
@Injectable()
export class ServeHealthIndicator {
  /** @param source the status (`ServeService`). */
  constructor(@Inject(SERVE_HEALTH_SOURCE) private readonly source: ServeHealthSource) {}

  /** The indicator's result under `key` (default `serve`). */
  isHealthy<const Key extends string = 'serve'>(key: Key = 'serve' as Key): ServeHealthResult<Key> {
    const backends: Record<string, BackendHealth> = {};
    const down: string[] = [];
    for (const backend of Object.values(this.source.status().backends)) {
      const ready = backend.replicas.filter((r) => r.state === 'READY').length;
      backends[backend.name] = { state: backend.state, ready, desired: backend.targetReplicas };
      if (ready === 0 && backend.targetReplicas > 0) down.push(backend.reason);
    }
    if (this.source.shuttingDown) {
      return this.result(key, 'down', { reason: signalMessages.healthShuttingDown(), backends });
    }
    if (down.length) return this.result(key, 'down', { reason: down.join(' '), backends });
    return this.result(key, 'up', { backends });
  }

  private result<Key extends string>(
    key: Key,
    status: 'up' | 'down',
    details: ServeHealthDetails,
  ): ServeHealthResult<Key> {
    const result = { [key]: { status, ...details } };
    return result as ServeHealthResult<Key>;
  }
}
