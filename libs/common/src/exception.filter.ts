import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from './domain-error';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Observes every error answered, e.g. to write denied attempts to the audit trail. */
export abstract class ErrorObserver {
  abstract observe(req: Request, status: number, error: unknown, body: ErrorBody): Promise<void>;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  416: ErrorCode.InvalidRange,
  422: ErrorCode.UnprocessableContent,
  503: ErrorCode.ServiceUnavailable,
};

export function toErrorResponse(exception: unknown): { status: number; body: ErrorBody } {
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      body: { error: { code: exception.code, message: exception.message, details: exception.details } },
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    let message = exception.message;
    let details: unknown;
    if (typeof res === 'object' && res !== null) {
      const r = res as Record<string, unknown>;
      if (typeof r.message === 'string') message = r.message;
      else if (Array.isArray(r.message)) {
        message = 'request validation failed';
        details = r.message;
      }
      if (r.details !== undefined) details = r.details;
    }
    const code = (typeof res === 'object' && res && (res as Record<string, unknown>).code) as string | undefined;
    return { status, body: { error: { code: code ?? CODE_BY_STATUS[status] ?? `Http${status}`, message, details } } };
  }
  // body-parser errors (malformed JSON, too large) carry status/type but are not HttpExceptions
  const e = exception as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = e.type === 'entity.parse.failed' ? `malformed JSON: ${e.message}` : (e.message ?? 'bad request');
    return { status, body: { error: { code: CODE_BY_STATUS[status] ?? ErrorCode.BadRequest, message } } };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: { code: ErrorCode.Internal, message: 'internal error' } },
  };
}

/** Maps domain codes and HTTP exceptions to `{ error: { code, message, details } }`. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  constructor(private readonly observer?: ErrorObserver) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { status, body } = toErrorResponse(exception);
    if (status >= 500 && !(exception instanceof DomainError)) {
      this.logger.error({ err: exception, requestId: (req as { id?: unknown }).id }, 'unhandled error');
    }
    let finalStatus = status;
    let finalBody = body;
    if (this.observer) {
      try {
        await this.observer.observe(req, status, exception, body);
      } catch {
        finalStatus = 503;
        finalBody = { error: { code: ErrorCode.AuditUnavailable, message: 'audit trail unavailable' } };
      }
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(finalStatus).json(finalBody);
  }
}
