import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from './metrics.service';

/**
 * Times every HTTP request into `eakte_http_request_duration_seconds{method,route,status}`. The
 * route is the template the router matched (`/api/v1/documents/:id/content`), never the raw URL:
 * no ids, no query text (search terms are personal data). Unmatched paths count as `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly duration;

  constructor(metrics: Metrics) {
    this.duration = metrics.histogram({
      name: 'eakte_http_request_duration_seconds',
      help: 'HTTP request latency by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = routeTemplate(req);
      this.duration.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}

export function routeTemplate(req: Request): string {
  const path = (req as Request & { route?: { path?: unknown } }).route?.path;
  // Nest mounts middleware as a catch-all route (`/{*path}`): only a controller's route counts
  if (typeof path !== 'string' || path.includes('{*') || path.includes('*')) return 'unmatched';
  return `${req.baseUrl ?? ''}${path}` || '/';
}
