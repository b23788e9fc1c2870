import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { metricsAccess } from './metrics-access';
import { Metrics } from './metrics.service';

/**
 * `GET /metrics` (Prometheus text format). Not a user route: no user token, no audit event; it
 * answers only the scraper (bearer `METRICS_TOKEN`, or loopback when no token is configured).
 * The series carry counts and latencies only, no personal data.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    const access = metricsAccess(req, this.config.metrics.token);
    res.setHeader('Cache-Control', 'no-store');
    if (access !== 'ok') {
      // answered here, not by an app's exception filter: the worker's health port has none
      const unauthorized = access === 'unauthorized';
      if (unauthorized) res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(unauthorized ? 401 : 403).json({
        error: {
          code: unauthorized ? 'Unauthorized' : 'Forbidden',
          message: unauthorized ? 'metrics need the bearer token METRICS_TOKEN' : 'metrics are answered to loopback clients only (set METRICS_TOKEN to scrape remotely)',
          details: null,
        },
      });
      return;
    }
    const body = await this.metrics.registry.metrics();
    res.status(200).setHeader('Content-Type', this.metrics.registry.contentType);
    res.end(body); // not send(): Express would add its own charset parameter to the exposition type
  }
}
