import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { ServeService } from 'nestjs-serve';

/** Live changes, as the README's guide mounts them. */
@Controller('admin')
export class AdminController {
  // @Inject: tsx and esbuild emit no decorator metadata, so Nest cannot infer the type.
  constructor(@Inject(ServeService) private readonly serve: ServeService) {}

  @Get('backends')
  backends() {
    return Object.keys(this.serve.listBackends()).sort();
  }

  @Post('greeting')
  async greeting(@Body() { greeting }: { greeting: string }) {
    await this.serve.updateBackendConfig('DemoBackend', { userConfig: { greeting } });
    return { ok: true };
  }

  @Post('traffic')
  async traffic(@Body() weights: Record<string, number>) {
    await this.serve.setTraffic('/hello', weights);
    return { ok: true };
  }
}
