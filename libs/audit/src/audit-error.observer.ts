import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AccessDeniedError, ErrorBody, ErrorObserver } from '@app/common';
import { AuditService } from './audit.service';
import { contextOf } from './request-context';

/**
 * Writes denied attempts to the audit trail: missing or invalid tokens (401), missing roles (403)
 * and objects of other departments (answered 404, recorded as denied).
 */
@Injectable()
export class AuditErrorObserver extends ErrorObserver {
  constructor(private readonly audit: AuditService) {
    super();
  }

  async observe(req: Request, status: number, error: unknown, body: ErrorBody): Promise<void> {
    const denied = status === 401 || status === 403 || error instanceof AccessDeniedError;
    if (!denied) return;
    const ctx = contextOf(req);
    await this.audit.recordAccess(ctx, {
      action: status === 401 ? 'auth.unauthenticated' : 'access.denied',
      objectType: error instanceof AccessDeniedError ? error.objectType : 'route',
      objectId: error instanceof AccessDeniedError ? error.objectId : `${req.method} ${req.route?.path ?? req.path}`,
      caseFileId: error instanceof AccessDeniedError ? error.caseFileId : null,
      outcome: 'denied',
      details: { method: req.method, path: req.originalUrl.split('?')[0], status, code: body.error.code },
    });
  }
}
