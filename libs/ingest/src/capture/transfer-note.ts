import { createHash } from 'node:crypto';
import type { TransferNote } from './capture-record.repository';

/** The statement of the transfer note (TR-RESISCAN: the scan matches the original). */
export const TRANSFER_STATEMENT =
  'Das Scanprodukt stimmt bildlich und inhaltlich mit dem Original überein (ersetzendes Scannen nach BSI TR-03138 RESISCAN); ' +
  'the scan matches the paper original in image and content.';

/** Canonical serialisation the note hash commits to (stable key order, ISO dates). */
export function transferNoteHash(n: Omit<TransferNote, 'id' | 'noteSha256'>): string {
  const canonical = JSON.stringify([
    n.documentId,
    n.originalSha256,
    n.searchableSha256,
    n.transferredBy.sub,
    n.transferredBy.name,
    n.transferredAt,
    n.context,
    n.qaResult,
    Object.keys(n.qaDetails)
      .sort()
      .map((k) => [k, n.qaDetails[k]]),
    n.statement,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
