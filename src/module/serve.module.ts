import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { EndpointResolver } from './endpoint.resolver';
import { FastifyHostSetup } from './fastify-host.setup';
import { HostRoutes } from './host.routes';
import { ConfigurableServeModule } from './serve.module-definition';
import { ServeController } from './serve.controller';
import { ServeDispatcher } from './serve.dispatcher';
import { ServeErrorFilter } from './serve-error.filter';
import { ServeLifecycle } from './serve.lifecycle';
import { ServeRegistry } from './serve.registry';
import { ServeOrchestrator } from './serve.orchestrator';
import { ServeService } from './serve.service';
import { ServeChanges } from './serve.changes';
import { ChangeLock } from './change.lock';
import { ServeFleet } from './serve.fleet';
import { ServeRollouts } from './serve.rollouts';
import { ObservingRoutes } from './observing.routes';
import { ServeSignals } from '../signals/serve.signals';
import { SERVE_HEALTH_SOURCE } from '../health/serve-health.source';
import { ServeHealthIndicator } from '../health/serve.health-indicator';

/**
 * Brings nestjs-serve into a Nest app: `ServeModule.forRoot({ backends: [...] })` or
 * `ServeModule.forRootAsync({ useFactory, inject })`. Global by default (`isGlobal: false` to
 * opt out), so `ServeService` can be injected anywhere, and `ServeHealthIndicator` too (it needs
 * `@nestjs/terminus` only in the app that uses it with Terminus). Its exception filter gives a
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
    ServeChanges,
    ChangeLock,
    ServeFleet,
    ObservingRoutes,
    ServeRollouts,
    ServeLifecycle,
    EndpointResolver,
    FastifyHostSetup,
    HostRoutes,
    { provide: APP_FILTER, useClass: ServeErrorFilter },
    { provide: SERVE_HEALTH_SOURCE, useExisting: ServeService },
    ServeHealthIndicator,
  ],
  exports: [ServeService, ServeHealthIndicator],
})
export class ServeModule extends ConfigurableServeModule {}
