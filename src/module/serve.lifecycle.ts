import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { addAppHandleProvider } from '../replicas/replica.context';
import { SERVE_OPTIONS } from '../serve.constants';
import { messages } from '../serve.messages';
import { validateModuleOptions } from '../options/config.validator';
import { endpointSummary, type BackendSummaryInput } from './endpoint.summary';
import { readDeclarations } from './serve.declarations';
import { ServeOrchestrator } from './serve.orchestrator';
import { ServeRegistry } from './serve.registry';
import { ServeService } from './serve.service';
import { ServeRollouts } from './serve.rollouts';
import { ObservingRoutes } from './observing.routes';
import { HostRoutes } from './host.routes';
import { ServeFleet } from './serve.fleet';

/**
 * Starts the declared backends when the module initialises (so `app.init()` resolves only once
 * every replica is ready, and fails with a constructor's error), logs the endpoints once the app
 * is up, and drains and stops them when the app closes.
 */
@Injectable()
export class ServeLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private unregister?: () => void;
  private readonly logger = new Logger('nestjs-serve');

  constructor(
    private readonly service: ServeService,
    private readonly orchestrator: ServeOrchestrator,
    private readonly registry: ServeRegistry,
    @Inject(SERVE_OPTIONS) private readonly options: ServeModuleOptions,
    private readonly observing: ObservingRoutes,
    private readonly rollouts: ServeRollouts,
    private readonly hostRoutes: HostRoutes,
    private readonly fleet: ServeFleet,
  ) {}

  async onModuleInit(): Promise<void> {
    validateModuleOptions(this.options);
    this.observing.start();
    this.hostRoutes.alsoServe((path) => this.observing.has(path));
    const declarations = readDeclarations(this.options.backends ?? [], this.registry.caseSensitive);
    await this.orchestrator.declare(declarations);
    // With a fleet, the shared desired state (runtime changes, backends of other instances) is in
    // effect before app.init() resolves.
    await this.fleet.join(declarations).catch(async (err: unknown) => {
      await this.orchestrator.shutdown();
      throw err;
    });
    this.unregister = addAppHandleProvider({ getHandle: (endpoint) => this.service.getHandle(endpoint) });
  }

  /**
   * Logs each endpoint with its backends, their shares and replicas (Nest itself only shows the
   * catch-all route), and warns of an endpoint that one of the app's own routes hides.
   */
  onApplicationBootstrap(): void {
    const backends: Record<string, BackendSummaryInput> = {};
    for (const [name, backend] of this.registry.backends)
      backends[name] = { numReplicas: backend.getConfig().numReplicas, replica: String(backend.describe().replica) };
    const endpoints = this.service.listEndpoints();
    for (const line of endpointSummary(endpoints, backends, (route) => this.hostRoutes.callerPath(route)))
      this.logger.log(line);
    for (const [name, e] of Object.entries(endpoints)) this.hostRoutes.warnIfHidden(name, e.route, e.methods);
  }

  /**
   * Runs while the app still listens: requests in flight (and arriving) are served for up to
   * `gracefulShutdownTimeoutMs`, the rest answer 503, then every replica stops. So the app's
   * HTTP server closes right after, never waiting on a stuck replica.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const started = Date.now();
    const pending = [...this.registry.backends.values()].reduce((n, b) => n + b.router.inFlight + b.router.queued, 0);
    this.unregister?.();
    await this.rollouts.abortAll(messages.rolloutShutdown());
    await this.fleet.leave();
    await this.orchestrator.shutdown();
    this.observing.stop();
    this.logger.log(messages.drained(pending, Date.now() - started));
  }
}
