import { Controller, Get, Inject, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { ServeHealthIndicator, ServeModule } from 'nestjs-serve';
import { DemoBackend } from '../src/demo.backend';
import { checkTestingApp } from './testing-app';

// ts-jest type-checks this file against Terminus 11's own types: the indicator's result must be what
// HealthCheckService.check() takes, though the package's types do not import Terminus.
@Controller('health')
class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(ServeHealthIndicator) private readonly serve: ServeHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.serve.isHealthy('serve')]);
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ServeModule.forRoot({ backends: [DemoBackend] })],
  controllers: [HealthController],
})
class HealthAppModule {}

it('Terminus 11 takes ServeHealthIndicator: /health is up, with each backend', async () => {
  const health = await checkTestingApp(HealthAppModule, async (url) => {
    const res = await fetch(`${url}/health`);
    return { status: res.status, body: await res.json() };
  });
  expect(health).toEqual({
    status: 200,
    body: expect.objectContaining({
      status: 'ok',
      info: { serve: { status: 'up', backends: { DemoBackend: { state: 'HEALTHY', ready: 1, desired: 1 } } } },
    }),
  });
});
