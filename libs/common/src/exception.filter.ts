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

/**
 * PostgreSQL errors (SQLSTATE class 22, data exception) that only a bad input value causes: the
 * request is answered 400 with the kind of problem, never the SQL or the value. Validation should
 * have refused the value before; this is the safety net.
 */
const INPUT_ERRORS: Record<string, string> = {
  '22021': 'a text value contains a character the database cannot store (e.g. NUL)',
  '22P05': 'a text value contains a character the database cannot store (e.g. NUL)',
  '22P02': 'a value is not in the expected format',
  '22003': 'a number is out of range',
  '22007': 'a date or time is not in a format the service understands',
  '22008': 'a date or time is out of range',
};

/** SQLSTATE and PostgreSQL's message of a database error caused by input, else undefined. */
export function inputDatabaseError(exception: unknown): { sqlState: string; reason: string } | undefined {
  const e = exception as { name?: string; code?: unknown; severity?: unknown; message?: string; driverError?: { code?: unknown; severity?: unknown; message?: string } };
  if (!e || typeof e !== 'object') return undefined;
  const pg = e.driverError && typeof e.driverError === 'object' ? e.driverError : e;
  if (typeof pg.code !== 'string' || !(pg.code in INPUT_ERRORS)) return undefined;
  // a PostgreSQL error (pg's DatabaseError, or TypeORM's QueryFailedError around it), not e.g. a Node system error
  if (typeof pg.severity !== 'string' && e.name !== 'QueryFailedError') return undefined;
  return { sqlState: pg.code, reason: pg.message ?? '' };
}

/**
 * Node socket errors and PostgreSQL states meaning the database is (for now) out of reach; also
 * TypeORM's released query runner, which is what a transaction sees after its connection was cut.
 */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const CONNECTION_MESSAGES = /Connection terminated|connection (?:is )?(?:closed|ended)|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (?:shutting down|starting up|in recovery mode)|terminating connection due to administrator command|Driver not Connected|Cannot use a pool after calling end|Query runner already released/i;

/** Seconds a client is asked to wait before retrying when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** True when the error means the database connection was lost or refused (a transient outage, not a bug). */
export function isDatabaseUnavailable(exception: unknown): boolean {
  for (let e = exception as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
    e = (e.driverError ?? e.cause) as typeof e;
  }
  return false;
}

/**
 * What an unexpected error may write to the log: its type, codes and stack, never a query's
 * parameters, the SQL text or the database's detail line (they may hold personal data).
 */
export function loggableError(exception: unknown): Record<string, unknown> {
  if (!exception || typeof exception !== 'object') return { value: typeof exception };
  const e = exception as { name?: unknown; code?: unknown; stack?: unknown; message?: unknown; query?: unknown; driverError?: { code?: unknown; routine?: unknown; table?: unknown; constraint?: unknown } };
  const isQuery = e.name === 'QueryFailedError' || e.query !== undefined || e.driverError !== undefined;
  const out: Record<string, unknown> = { type: typeof e.name === 'string' ? e.name : 'Error' };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (isQuery) {
    const d = e.driverError ?? {};
    Object.assign(out, { sqlState: d.code, routine: d.routine, table: d.table, constraint: d.constraint });
    // the first stack frame line carries the message (values); keep only the frames
    if (typeof e.stack === 'string') out.stack = e.stack.split('\n').filter((l) => l.trimStart().startsWith('at ')).join('\n');
  } else {
    out.message = typeof e.message === 'string' ? e.message : undefined;
    out.stack = e.stack;
  }
  return out;
}

export function toErrorResponse(exception: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (isDatabaseUnavailable(exception)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: { error: { code: ErrorCode.ServiceUnavailable, message: 'the database is not reachable at the moment; try again shortly' } },
      headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
    };
  }
  const input = inputDatabaseError(exception);
  if (input) {
    return {
      status: HttpStatus.BAD_REQUEST,
      body: { error: { code: ErrorCode.ValidationFailed, message: `request validation failed: ${INPUT_ERRORS[input.sqlState]}`, details: [] } },
    };
  }
  if (exception instanceof DomainError) {
    return {
      status: exception.status,
      body: { error: { code: exception.code, message: exception.message, details: exception.details } },
      // a dependency out of reach (storage, queue, the audit store): the client is told when to try again
      ...(exception.code === ErrorCode.ServiceUnavailable || exception.code === ErrorCode.AuditUnavailable
        ? { headers: { 'Retry-After': String(exception.retryAfterSeconds ?? DATABASE_RETRY_AFTER_SECONDS) } }
        : {}),
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
    const { status, body, headers } = toErrorResponse(exception);
    const input = inputDatabaseError(exception);
    if (input) {
      // no query or parameters in the log: they may hold personal data
      this.logger.warn({ sqlState: input.sqlState, reason: input.reason, method: req.method, path: req.route?.path ?? req.path, requestId: (req as { id?: unknown }).id }, 'input refused by the database');
    } else if (headers?.['Retry-After'] && !(exception instanceof DomainError)) {
      this.logger.warn({ err: loggableError(exception), requestId: (req as { id?: unknown }).id }, 'database unavailable');
    } else if (status >= 500 && !(exception instanceof DomainError)) {
      this.logger.error({ err: loggableError(exception), requestId: (req as { id?: unknown }).id }, 'unhandled error');
    }
    let finalStatus = status;
    let finalBody = body;
    let finalHeaders = headers;
    if (this.observer) {
      try {
        await this.observer.observe(req, status, exception, body);
      } catch {
        finalStatus = 503;
        finalBody = { error: { code: ErrorCode.AuditUnavailable, message: 'audit trail unavailable' } };
        finalHeaders = { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) };
      }
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (finalHeaders) res.set(finalHeaders);
    res.status(finalStatus).json(finalBody);
  }
}
