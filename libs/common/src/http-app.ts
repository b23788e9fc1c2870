import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { DomainError, ErrorCode } from './domain-error';
import { DomainExceptionFilter, ErrorObserver } from './exception.filter';

/** Turns body-parser failures into domain errors with a reason (malformed JSON, body too large). */
function bodyParserErrors(err: { type?: string; message?: string }, _req: Request, _res: Response, next: NextFunction): void {
  if (err?.type === 'entity.parse.failed') return next(new DomainError(ErrorCode.BadRequest, `malformed JSON: ${err.message}`));
  if (err?.type === 'entity.too.large') return next(new DomainError(ErrorCode.PayloadTooLarge, 'request body too large (JSON bodies are limited to 1 MB)'));
  if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') return next(new DomainError(ErrorCode.UnsupportedMediaType, err.message ?? 'unsupported encoding'));
  next(err);
}
import { createValidationPipe } from './validation';

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
  express.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(json({ limit: '1mb' }));
  app.use(urlencoded({ extended: false, limit: '1mb' }));
  app.use(bodyParserErrors);
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
