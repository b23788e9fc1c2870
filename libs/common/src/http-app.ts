import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { DomainError, ErrorCode } from './domain-error';
import { DomainExceptionFilter, ErrorObserver } from './exception.filter';
import { securityHeaders } from './security-headers';
import { createValidationPipe } from './validation';
import { APP_CONFIG, AppConfig } from '@app/config';

/** How deeply JSON bodies may nest: no request of the API needs more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a parsed JSON value, counted without recursion; stops early past `limit`. */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return max;
}

/** Refuses JSON bodies nested deeper than MAX_JSON_DEPTH (validation would recurse through them). */
function jsonDepthLimit(req: Request, _res: Response, next: NextFunction): void {
  if (req.body !== null && typeof req.body === 'object' && jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return next(new DomainError(ErrorCode.BadRequest, `JSON body nested too deeply (at most ${MAX_JSON_DEPTH} levels)`));
  }
  next();
}

/** Express's `trust proxy` from TRUST_PROXY: false for none, else the list of trusted addresses. */
export function trustProxySetting(config: Pick<AppConfig, 'trustProxy'>): false | string[] {
  return config.trustProxy.length ? config.trustProxy : false;
}

/** Turns body-parser failures into domain errors with a reason (malformed JSON, body too large). */
function bodyParserErrors(err: { type?: string; message?: string }, _req: Request, _res: Response, next: NextFunction): void {
  if (err?.type === 'entity.parse.failed') return next(new DomainError(ErrorCode.BadRequest, `malformed JSON: ${err.message}`));
  if (err?.type === 'entity.too.large') return next(new DomainError(ErrorCode.PayloadTooLarge, 'request body too large (JSON bodies are limited to 1 MB)'));
  if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') return next(new DomainError(ErrorCode.UnsupportedMediaType, err.message ?? 'unsupported encoding'));
  next(err);
}

export interface HttpAppOptions {
  title: string;
  description: string;
  /** Records denied attempts (the audit trail). */
  errorObserver?: ErrorObserver;
  /** Serve OpenAPI at /api/docs and /api/docs-json. */
  docs?: boolean;
}

/** The common HTTP setup of the API apps: logging, validation, errors, OpenAPI, shutdown. */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): void {
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  // only the proxies named in TRUST_PROXY may set X-Forwarded-For (the client address in the audit trail)
  express.set('trust proxy', trustProxySetting(app.get<AppConfig>(APP_CONFIG)));
  app.use(securityHeaders());
  app.use(json({ limit: '1mb' }));
  app.use(urlencoded({ extended: false, limit: '1mb' }));
  app.use(bodyParserErrors);
  app.use(jsonDepthLimit);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainExceptionFilter(options.errorObserver));
  if (options.docs !== false) {
    const doc = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion('1').addBearerAuth().build(),
    );
    SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });
  }
}
