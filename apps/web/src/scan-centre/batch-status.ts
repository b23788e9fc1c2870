import type { BatchDocument, BatchDocumentStatus } from './batch-api';

/**
 * How the scan centre names a file's state. The service's document statuses map onto six words
 * (catalogue keys `status.*`): queued and processing are both "in Bearbeitung" for the person at
 * the scanner; the other states are final.
 */
export type ShownStatus = 'processing' | 'filed' | 'inbox' | 'rejected' | 'duplicate' | 'failed';

const SHOWN: Record<BatchDocumentStatus, ShownStatus> = {
  queued: 'processing',
  processing: 'processing',
  filed: 'filed',
  needs_review: 'inbox',
  rejected: 'rejected',
  duplicate: 'duplicate',
  failed: 'failed',
};

export function shownStatus(status: BatchDocumentStatus | string): ShownStatus {
  return SHOWN[status as BatchDocumentStatus] ?? 'processing';
}

export type Tone = 'info' | 'success' | 'warning' | 'danger';
export const TONE: Record<ShownStatus, Tone> = { processing: 'info', filed: 'success', inbox: 'info', rejected: 'danger', duplicate: 'warning', failed: 'danger' };
export const ICON: Record<ShownStatus, string> = { processing: 'autorenew', filed: 'success', inbox: 'mail', rejected: 'danger', duplicate: 'content-copy', failed: 'warning' };

export const isFinal = (s: ShownStatus) => s !== 'processing';

/**
 * Each file's share of the upload: the request's progress (bytes of the whole multipart body)
 * spread over the files in the order they are sent, by their cumulative sizes.
 */
export function fileProgress(sizes: number[], loaded: number, total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (!sum) return sizes.map(() => (total > 0 && loaded >= total ? 1 : 0));
  const sent = total > 0 ? Math.min(1, loaded / total) * sum : 0;
  let start = 0;
  return sizes.map((size) => {
    const done = size === 0 ? (sent >= start ? 1 : 0) : Math.max(0, Math.min(1, (sent - start) / size));
    start += size;
    return done;
  });
}

/** Counts of the shown states, for the summary line. */
export function countShown(documents: Pick<BatchDocument, 'status'>[]): Record<ShownStatus, number> {
  const counts: Record<ShownStatus, number> = { processing: 0, filed: 0, inbox: 0, rejected: 0, duplicate: 0, failed: 0 };
  for (const d of documents) counts[shownStatus(d.status)]++;
  return counts;
}

export interface Reason {
  /** Catalogue key under `reasons.` with its values, when the service's reason is a known one. */
  key?: string;
  values?: Record<string, string>;
  /** The service's own words (always kept: shown when no catalogue text fits, and as detail). */
  text: string;
}

const KNOWN: Array<[RegExp, string, (m: RegExpMatchArray) => Record<string, string>]> = [
  [/^content type (\S+) is not a scan/i, 'notAScan', (m) => ({ type: m[1] === 'unknown' ? '?' : m[1] })],
  [/unsupported file type/i, 'notAScan', () => ({ type: '?' })],
  [/encrypted|password/i, 'encrypted', () => ({})],
  [/^(the )?file is empty/i, 'empty', () => ({})],
  [/exceeds the limit of (\d+) MB/i, 'tooLarge', (m) => ({ mb: m[1] })],
  [/(\d+) pages,? (exceed|more than) the limit of (\d+)/i, 'tooManyPages', (m) => ({ pages: m[1], limit: m[3] })],
  [/identical content was already received/i, 'duplicate', () => ({})],
  [/has no pages/i, 'noPages', () => ({})],
];

/** Explains a rejection or failure reason in the user's language where the service's wording is known. */
export function reasonOf(text: string): Reason {
  for (const [re, key, values] of KNOWN) {
    const m = text.match(re);
    if (m) return { key, values: values(m), text };
  }
  return { text };
}
