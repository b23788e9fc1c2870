/**
 * Stable error codes of the whole service. Services throw {@link DomainError}s with one of
 * these; each app's exception filter maps the code to an HTTP status.
 */
export enum ErrorCode {
  ValidationFailed = 'ValidationFailed',
  BadRequest = 'BadRequest',
  Unauthenticated = 'Unauthenticated',
  Forbidden = 'Forbidden',
  /** A cookie-authenticated request changing state without the session's `X-CSRF-Token`. */
  CsrfTokenInvalid = 'CsrfTokenInvalid',
  NotFound = 'NotFound',
  Conflict = 'Conflict',
  CaseFileClosed = 'CaseFileClosed',
  LegalHold = 'LegalHold',
  RetentionNotExpired = 'RetentionNotExpired',
  /** Retention has run out: the record leaves only through a disposal run (Aussonderung). */
  DisposalRequired = 'DisposalRequired',
  PayloadTooLarge = 'PayloadTooLarge',
  UnsupportedMediaType = 'UnsupportedMediaType',
  UnprocessableContent = 'UnprocessableContent',
  InvalidRange = 'InvalidRange',
  AuditUnavailable = 'AuditUnavailable',
  ServiceUnavailable = 'ServiceUnavailable',
  Internal = 'Internal',
}

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.CsrfTokenInvalid]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.CaseFileClosed]: 409,
  [ErrorCode.LegalHold]: 409,
  [ErrorCode.RetentionNotExpired]: 409,
  [ErrorCode.DisposalRequired]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.UnsupportedMediaType]: 415,
  [ErrorCode.UnprocessableContent]: 422,
  [ErrorCode.InvalidRange]: 416,
  [ErrorCode.AuditUnavailable]: 503,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.Internal]: 500,
};

export class DomainError extends Error {
  /** For a passing condition (ServiceUnavailable): seconds the client is asked to wait (`Retry-After`). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }

  static notFound(what: string, id?: string): DomainError {
    return new DomainError(ErrorCode.NotFound, id ? `${what} ${id} not found` : `${what} not found`);
  }

  static validation(message: string, details?: unknown): DomainError {
    return new DomainError(ErrorCode.ValidationFailed, message, details);
  }

  static conflict(message: string, details?: unknown): DomainError {
    return new DomainError(ErrorCode.Conflict, message, details);
  }

  static forbidden(message = 'not permitted'): DomainError {
    return new DomainError(ErrorCode.Forbidden, message);
  }
}

/**
 * Thrown when an object exists but belongs to a department the caller may not see. Answered
 * as 404 (existence must not leak) and recorded in the audit trail as a denied attempt.
 */
export class AccessDeniedError extends DomainError {
  constructor(
    what: string,
    id: string,
    readonly objectType: string,
    readonly caseFileId: string | null = null,
  ) {
    super(ErrorCode.NotFound, `${what} ${id} not found`);
    this.objectId = id;
  }
  readonly objectId: string;
}
