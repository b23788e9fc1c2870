import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { JobMetrics } from './job-metrics';
import { MetricsController } from './metrics.controller';
import { Metrics } from './metrics.service';

/**
 * Prometheus metrics of one app: the registry (global, so every library can add its series),
 * `GET /metrics` and HTTP latency. `workers: true` (the worker) adds job durations and queue depth.
 */
@Global()
@Module({})
export class MetricsModule implements NestModule {
  static forApp(options: { workers?: boolean } = {}): DynamicModule {
    return {
      module: MetricsModule,
      imports: options.workers ? [DiscoveryModule] : [],
      controllers: [MetricsController],
      providers: [Metrics, HttpMetricsMiddleware, ...(options.workers ? [JobMetrics] : [])],
      exports: [Metrics],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
