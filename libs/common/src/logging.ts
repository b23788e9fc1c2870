import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule, PARAMS_PROVIDER_TOKEN, Params } from 'nestjs-pino';
import pino, { Logger as PinoInstance } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';

/** Paths never written to logs: credentials and secrets. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.secretKey',
  '*.accessKey',
];

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A request URL as it may be logged: the path, and of the query only the parameter names with
 * numbers kept; every other value (search text, names, references, cursors) becomes `_`.
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const value = pair.slice(eq + 1);
      return `${pair.slice(0, eq)}=${/^\d{1,12}$/.test(value) ? value : '_'}`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/**
 * Gives every request its id (`X-Request-Id` honoured if sane, else a UUID; echoed in the response)
 * and writes one line when it ends: `requestId`, method, URL (query values masked: {@link loggableUrl}), status, response time; level `info`,
 * `error` from status 500 on. Deliberately cheap (this runs for every read): no per-request child
 * logger, no request/response serializers. Health probes are not logged.
 */
export function requestLogging(logger: PinoInstance) {
  return (req: IncomingMessage & { id?: string; originalUrl?: string }, res: ServerResponse, next: () => void): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const url = loggableUrl(req.originalUrl ?? req.url ?? '');
    if (url.startsWith('/health')) return next();
    const started = performance.now();
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { requestId: id, req: { id, method: req.method, url }, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}

@Module({})
class RequestLoggingModule implements NestModule {
  constructor(@Inject(PARAMS_PROVIDER_TOKEN) private readonly params: Params) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestLogging((this.params.pinoHttp as { logger: PinoInstance }).logger)).forRoutes('*');
  }
}

/**
 * Structured JSON logs (pino) for the app's own logging (nestjs-pino's Logger) and one line per
 * request with its id ({@link requestLogging}).
 */
export function loggingModule(app: string): DynamicModule {
  return {
    module: RequestLoggingModule,
    imports: [
      LoggerModule.forRootAsync({
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig): Params => ({
          pinoHttp: { logger: pino({ level: config.logLevel, name: app, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }) },
          // requests are logged by requestLogging; nestjs-pino's per-request context (an
          // AsyncLocalStorage scope and child logger per request) is not bound to any route
          useExisting: true,
          forRoutes: [],
        }),
      }),
    ],
  };
}
