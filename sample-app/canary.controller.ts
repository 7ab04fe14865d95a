import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ServeService, type EndpointInfo } from '../src';

/** Name of the endpoint both sentiment backends serve. */
export const SENTIMENT_ENDPOINT = 'sentiment';
/** Backend names (the class names). */
export const V1 = 'SentimentV1';
export const V2 = 'SentimentV2';

/**
 * The app's own admin routes for the canary rollout: read and shift the v1/v2 split, change
 * the label threshold live, list the backends. A `ServeService` error answers its own status
 * (400, 404, 409...): ServeModule maps it for every route of the app.
 */
@Controller('admin')
export class CanaryController {
  // @Inject: loaders built on esbuild (tsx) emit no decorator metadata to infer the type from.
  constructor(@Inject(ServeService) private readonly serve: ServeService) {}

  /** The sentiment endpoint: route, methods, traffic and shadows. */
  @Get('traffic')
  traffic(): EndpointInfo {
    return this.serve.listEndpoints()[SENTIMENT_ENDPOINT];
  }

  /** `{ "v2": 0.5 }`: gives v2 that share of the traffic and v1 the rest. */
  @Post('traffic')
  @HttpCode(200)
  async setTraffic(@Body() body: { v2?: unknown }): Promise<EndpointInfo> {
    const v2 = body?.v2;
    if (typeof v2 !== 'number')
      throw new BadRequestException('Body must be JSON like {"v2": 0.1} with "v2" a number in [0, 1]');
    await this.serve.setTraffic(SENTIMENT_ENDPOINT, { [V1]: 1 - v2, [V2]: v2 });
    return this.traffic();
  }

  /** `{ "threshold": 0.2 }`: sets the label threshold of every replica of both backends. */
  @Post('threshold')
  @HttpCode(200)
  async setThreshold(@Body() body: { threshold?: unknown }): Promise<Record<string, unknown>> {
    const threshold = body?.threshold;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) {
      throw new BadRequestException('Body must be JSON like {"threshold": 0.2} with "threshold" a number >= 0');
    }
    for (const backend of [V1, V2]) await this.serve.updateBackendConfig(backend, { userConfig: { threshold } });
    return { [V1]: this.serve.getBackendConfig(V1).userConfig, [V2]: this.serve.getBackendConfig(V2).userConfig };
  }

  /** Every backend with its config and state. */
  @Get('backends')
  backends(): Record<string, Record<string, unknown>> {
    return this.serve.listBackends();
  }
}
