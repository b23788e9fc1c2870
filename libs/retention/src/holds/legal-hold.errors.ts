import { DomainError, ErrorCode } from '@app/common';
import type { LegalHold } from './legal-hold.repository';

/** 409 LegalHold naming every active hold (id, reason, reference). */
export function legalHoldError(what: string, reference: string, holds: LegalHold[]): DomainError {
  const named = holds.map((h) => `${h.id} (${h.reason}${h.reference ? `, ${h.reference}` : ''})`).join(', ');
  return new DomainError(ErrorCode.LegalHold, `${what} refused: case file ${reference} is under legal hold ${named}`, {
    holds: holds.map((h) => ({ id: h.id, reason: h.reason, reference: h.reference, setAt: new Date(h.setAt).toISOString(), setBy: h.setBy })),
  });
}
