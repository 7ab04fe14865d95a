import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ServeModuleOptions } from '../interfaces/serve-module-options.interface';
import { addAppHandleProvider } from '../replicas/replica.context';
import { SERVE_OPTIONS } from '../serve.constants';
import { validateModuleOptions } from './config.validator';
import { readDeclarations } from './serve.declarations';
import { ServeOrchestrator } from './serve.orchestrator';
import { ServeService } from './serve.service';
import { ObservingRoutes } from './observing.routes';

/**
 * Starts the declared backends when the module initialises (so `app.init()` resolves only once
 * every replica is ready, and fails with a constructor's error), and drains and stops them
 * when the app closes.
 */
@Injectable()
export class ServeLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  private unregister?: () => void;

  constructor(
    private readonly service: ServeService,
    private readonly orchestrator: ServeOrchestrator,
    @Inject(SERVE_OPTIONS) private readonly options: ServeModuleOptions,
    private readonly observing: ObservingRoutes,
  ) {}

  async onModuleInit(): Promise<void> {
    validateModuleOptions(this.options);
    this.observing.start();
    const declarations = readDeclarations(this.options.backends ?? []);
    await this.orchestrator.declare(declarations);
    this.unregister = addAppHandleProvider({ getHandle: (endpoint) => this.service.getHandle(endpoint) });
  }

  /**
   * Runs while the app still listens: requests in flight (and arriving) are served for up to
   * `gracefulShutdownTimeoutMs`, the rest answer 503, then every replica stops. So the app's
   * HTTP server closes right after, never waiting on a stuck replica.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.unregister?.();
    await this.orchestrator.shutdown();
    this.observing.stop();
  }
}
