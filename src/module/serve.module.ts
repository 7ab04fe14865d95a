import { Module } from '@nestjs/common';
import { EndpointResolver } from '../http/endpoint.resolver';
import { FastifyHostSetup } from '../http/fastify-host.setup';
import { ConfigurableServeModule } from './serve.module-definition';
import { ServeController } from './serve.controller';
import { ServeDispatcher } from './serve.dispatcher';
import { ServeLifecycle } from './serve.lifecycle';
import { ServeRegistry } from './serve.registry';
import { ServeService } from './serve.service';

/**
 * Brings nestjs-serve into a Nest app: `ServeModule.forRoot({ backends: [...] })` or
 * `ServeModule.forRootAsync({ useFactory, inject })`. Global by default (`isGlobal: false` to
 * opt out), so `ServeService` can be injected anywhere.
 */
@Module({
  controllers: [ServeController],
  providers: [ServeRegistry, ServeDispatcher, ServeService, ServeLifecycle, EndpointResolver, FastifyHostSetup],
  exports: [ServeService],
})
export class ServeModule extends ConfigurableServeModule {}
