import { Module } from '@nestjs/common';
import type { APP_INTERCEPTOR as CoreAppInterceptor } from '@nestjs/core';
import { EndpointResolver } from './endpoint.resolver';
import { FastifyHostSetup } from './fastify-host.setup';
import { ConfigurableServeModule } from './serve.module-definition';
import { ServeController } from './serve.controller';
import { ServeDispatcher } from './serve.dispatcher';
import { ServeErrorInterceptor } from './serve-error.interceptor';
import { ServeLifecycle } from './serve.lifecycle';
import { ServeRegistry } from './serve.registry';
import { ServeOrchestrator } from './serve.orchestrator';
import { ServeService } from './serve.service';
import { ServeRollouts } from './serve.rollouts';
import { ObservingRoutes } from './observing.routes';
import { ServeSignals } from '../signals/serve.signals';
import { SERVE_HEALTH_SOURCE } from '../health/serve-health.source';
import { ServeHealthIndicator } from '../health/serve.health-indicator';

/** `@nestjs/core`'s token, typed against its declaration; spelt out so that this file does not load a second Nest core. */
const APP_INTERCEPTOR: typeof CoreAppInterceptor = 'APP_INTERCEPTOR';

/**
 * Brings nestjs-serve into a Nest app: `ServeModule.forRoot({ backends: [...] })` or
 * `ServeModule.forRootAsync({ useFactory, inject })`. Global by default (`isGlobal: false` to
 * opt out), so `ServeService` can be injected anywhere, and `ServeHealthIndicator` too (it needs
 * `@nestjs/terminus` only in the app that uses it with Terminus). Its interceptor gives a
 * `ServeError` thrown in the app's own routes its HTTP status.
 */
@Module({
  controllers: [ServeController],
  providers: [
    { provide: ServeSignals, useFactory: () => new ServeSignals() },
    ServeRegistry,
    ServeDispatcher,
    ServeOrchestrator,
    ServeService,
    ObservingRoutes,
    ServeRollouts,
    ServeLifecycle,
    EndpointResolver,
    FastifyHostSetup,
    { provide: APP_INTERCEPTOR, useClass: ServeErrorInterceptor },
    { provide: SERVE_HEALTH_SOURCE, useExisting: ServeService },
    ServeHealthIndicator,
  ],
  exports: [ServeService, ServeHealthIndicator],
})
export class ServeModule extends ConfigurableServeModule {}
