import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AUDIT_COLUMNS, AuditOutcome, AuditRecord, canonicalJson, hashEvent } from '../audit-event';

/**
 * The auditor's export files (CSV or JSON Lines) and their standalone check.
 *
 * An export holds the matching events in sequence order and ends with a trailer giving the count,
 * the chain hashes at both ends (prev_hash of the first event, hash of the last), whether the
 * events are contiguous, a SHA-256 digest over the event lines and an HMAC signature of the
 * trailer (key AUDIT_ANCHOR_KEY). Every event carries its own hash and prev_hash, so a file can be
 * checked on its own: each event's hash is re-computed, consecutive events are checked to link,
 * and the trailer's count, end hashes and digest must match. With the key, the trailer signature
 * proves the file came from this service; without it, the end hashes can be compared with the
 * chain (GET /api/v1/audit/verify, audit_anchors).
 *
 * CSV: one header line; strings always double-quoted (`""` escapes), NULL as an empty unquoted
 * cell, arrays and details as JSON text; the trailer is a last line `# {json}`. A string starting
 * with `= + - @`, a tab, a carriage return or `'` gets a leading `'` so that a spreadsheet shows it
 * as text instead of running it as a formula (CSV injection); the check takes that `'` off again.
 * JSONL: one JSON object per event (the fields of AuditRecord); the trailer is `{"trailer":{...}}`.
 */
export type ExportFormat = 'csv' | 'jsonl';
export const EXPORT_FORMATS: ExportFormat[] = ['csv', 'jsonl'];

/** The columns of audit_events, in the order of the canonical serialisation. */
export const CSV_COLUMNS = AUDIT_COLUMNS;

export interface ExportTrailer {
  format: ExportFormat;
  count: number;
  firstSeq: string | null;
  lastSeq: string | null;
  /** prev_hash of the first exported event: the chain hash just before the export. */
  firstPrevHash: string | null;
  /** hash of the last exported event. */
  lastHash: string | null;
  /** true when the events are consecutive in the chain (an unfiltered range). */
  contiguous: boolean;
  /** SHA-256 over the event lines, each followed by "\n" (CSV: without the header). */
  digest: string;
  filters: Record<string, unknown>;
  generatedAt: string;
  /** HMAC-SHA256 (AUDIT_ANCHOR_KEY) over the canonical JSON of the other trailer fields. */
  signature?: string;
}

/** First characters a spreadsheet would take as the start of a formula, and the escape itself. */
export const CSV_FORMULA_START = /^[=+\-@\t\r']/;
const neutralised = (s: string) => (CSV_FORMULA_START.test(s) ? `'${s}` : s);
const q = (s: string) => `"${neutralised(s).replace(/"/g, '""')}"`;
const cell = (v: string | null) => (v === null ? '' : q(v));

export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

export function toCsvLine(r: AuditRecord): string {
  return [
    r.seq,
    q(r.id),
    q(r.occurredAt),
    cell(r.actorSub),
    cell(r.actorName),
    q(JSON.stringify(r.actorRoles)),
    q(JSON.stringify(r.actorDepartments)),
    q(r.action),
    cell(r.objectType),
    cell(r.objectId),
    cell(r.caseFileId),
    q(r.outcome),
    cell(r.requestId),
    cell(r.clientIp),
    cell(r.reason),
    r.details === null ? '' : q(canonicalJson(r.details)),
    q(r.prevHash),
    q(r.hash),
  ].join(',');
}

export function toJsonLine(r: AuditRecord): string {
  return JSON.stringify({
    seq: r.seq,
    id: r.id,
    occurredAt: r.occurredAt,
    actorSub: r.actorSub,
    actorName: r.actorName,
    actorRoles: r.actorRoles,
    actorDepartments: r.actorDepartments,
    action: r.action,
    objectType: r.objectType,
    objectId: r.objectId,
    caseFileId: r.caseFileId,
    outcome: r.outcome,
    requestId: r.requestId,
    clientIp: r.clientIp,
    reason: r.reason,
    details: r.details,
    prevHash: r.prevHash,
    hash: r.hash,
  });
}

function trailerSignature(key: string, t: Omit<ExportTrailer, 'signature'>): string {
  return createHmac('sha256', key).update(canonicalJson(t)).digest('hex');
}

/** Builds an export line by line (constant memory): header, event lines, trailer. */
export class ExportWriter {
  private count = 0;
  private firstSeq: string | null = null;
  private lastSeq: string | null = null;
  private firstPrevHash: string | null = null;
  private lastHash: string | null = null;
  private contiguous = true;
  private readonly digest = createHash('sha256');

  constructor(
    readonly format: ExportFormat,
    private readonly key: string | null,
    private readonly filters: Record<string, unknown> = {},
  ) {}

  /** The first line (CSV header), or null. */
  header(): string | null {
    return this.format === 'csv' ? csvHeader() + '\n' : null;
  }

  /** The text of one event, newline included. */
  line(r: AuditRecord): string {
    return this.raw(this.format === 'csv' ? toCsvLine(r) : toJsonLine(r), r.seq, r.prevHash, r.hash);
  }

  /** An event line formatted elsewhere (e.g. by the database), with the chain fields it holds. */
  raw(line: string, seq: string, prevHash: string, hash: string): string {
    const text = line + '\n';
    this.digest.update(text);
    this.track(seq, prevHash, hash);
    return text;
  }

  /** Event lines rendered elsewhere, "\n" after each, in a chunk: `track` each of them as well. */
  lines(chunk: Buffer): Buffer {
    this.digest.update(chunk);
    return chunk;
  }

  /** Notes an event written through `lines` (count, ends, contiguity). */
  track(seq: string, prevHash: string, hash: string): void {
    if (this.count === 0) {
      this.firstSeq = seq;
      this.firstPrevHash = prevHash;
    } else if (this.contiguous && (Number(seq) !== Number(this.lastSeq) + 1 || prevHash !== this.lastHash)) {
      this.contiguous = false;
    }
    this.count++;
    this.lastSeq = seq;
    this.lastHash = hash;
  }

  trailer(generatedAt: string): { trailer: ExportTrailer; text: string } {
    const t: Omit<ExportTrailer, 'signature'> = {
      format: this.format,
      count: this.count,
      firstSeq: this.firstSeq,
      lastSeq: this.lastSeq,
      firstPrevHash: this.firstPrevHash,
      lastHash: this.lastHash,
      contiguous: this.contiguous,
      digest: this.digest.digest('hex'),
      filters: this.filters,
      generatedAt,
    };
    const trailer: ExportTrailer = this.key ? { ...t, signature: trailerSignature(this.key, t) } : t;
    const json = JSON.stringify(trailer);
    return { trailer, text: this.format === 'csv' ? `# ${json}\n` : `{"trailer":${json}}\n` };
  }
}

export interface ExportCheckResult {
  ok: boolean;
  count: number;
  trailer?: ExportTrailer;
  /** true/false when a key was given and the trailer is signed; undefined otherwise. */
  signatureValid?: boolean;
  /** 1-based line of the first problem. */
  line?: number;
  reason?: string;
}

/** Splits a stream of text chunks into lines ("\n"; the text keeps any "\r"). */
async function* linesOf(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks as AsyncIterable<string | Buffer>) {
    rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let i: number;
    while ((i = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, i);
      rest = rest.slice(i + 1);
    }
  }
  if (rest.length) yield rest;
}

function parseCsvRecord(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const j = text.indexOf('"', i);
        if (j < 0) throw new Error('unterminated quoted cell');
        v += text.slice(i, j);
        if (text[j + 1] === '"') {
          v += '"';
          i = j + 2;
        } else {
          i = j + 1;
          break;
        }
      }
      out.push(v.startsWith("'") ? v.slice(1) : v);
    } else {
      const j = text.indexOf(',', i);
      const raw = text.slice(i, j < 0 ? text.length : j);
      out.push(raw === '' ? null : raw);
      i = j < 0 ? text.length : j;
    }
    if (i >= text.length) break;
    if (text[i] !== ',') throw new Error(`unexpected character at ${i}`);
    i++;
    if (i === text.length) out.push(null);
  }
  return out;
}

function recordFromCsv(cells: (string | null)[]): AuditRecord {
  if (cells.length !== CSV_COLUMNS.length) throw new Error(`expected ${CSV_COLUMNS.length} cells, found ${cells.length}`);
  const [seq, id, occurredAt, actorSub, actorName, roles, departments, action, objectType, objectId, caseFileId, outcome, requestId, clientIp, reason, details, prevHash, hash] = cells;
  return {
    seq: seq!,
    id: id!,
    occurredAt: occurredAt!,
    actorSub,
    actorName,
    actorRoles: JSON.parse(roles ?? '[]'),
    actorDepartments: JSON.parse(departments ?? '[]'),
    action: action!,
    objectType,
    objectId,
    caseFileId,
    outcome: outcome as AuditOutcome,
    requestId,
    clientIp,
    reason,
    details: details === null ? null : JSON.parse(details),
    prevHash: prevHash!,
    hash: hash!,
  };
}

/**
 * Checks an export file on its own (streaming; constant memory): every event's hash, the links
 * between consecutive events, and the trailer (count, end hashes, digest; signature with `key`).
 */
export async function checkExport(
  chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>,
  options: { format?: ExportFormat; key?: string } = {},
): Promise<ExportCheckResult> {
  let format = options.format;
  let lineNo = 0;
  let count = 0;
  let trailer: ExportTrailer | undefined;
  let prev: AuditRecord | null = null;
  let first: AuditRecord | null = null;
  let contiguous = true;
  let pending = '';
  let pendingStart = 0;
  const digest = createHash('sha256');
  const fail = (line: number, reason: string): ExportCheckResult => ({ ok: false, count, line, reason, trailer });

  for await (const raw of linesOf(chunks)) {
    lineNo++;
    if (trailer) return fail(lineNo, 'content after the trailer');
    if (lineNo === 1 && !format) format = raw.startsWith(CSV_COLUMNS[0] + ',') ? 'csv' : 'jsonl';
    if (format === 'csv' && lineNo === 1) {
      if (raw !== csvHeader()) return fail(1, 'not an audit export: unexpected CSV header');
      continue;
    }
    if (raw === '' && !pending) continue;
    let record: AuditRecord;
    let text: string;
    try {
      if (format === 'csv') {
        if (!pending && raw.startsWith('# ')) {
          trailer = JSON.parse(raw.slice(2)) as ExportTrailer;
          continue;
        }
        pending = pending ? `${pending}\n${raw}` : raw;
        if (!pendingStart) pendingStart = lineNo;
        if ((pending.match(/"/g)?.length ?? 0) % 2 === 1) continue; // a quoted cell spans lines
        text = pending;
        pending = '';
        pendingStart = 0;
        record = recordFromCsv(parseCsvRecord(text));
      } else {
        const obj = JSON.parse(raw);
        if (obj && typeof obj === 'object' && 'trailer' in obj) {
          trailer = obj.trailer as ExportTrailer;
          continue;
        }
        text = raw;
        record = obj as AuditRecord;
      }
    } catch (e) {
      return fail(pendingStart || lineNo, `unreadable line: ${(e as Error).message}`);
    }
    digest.update(text + '\n');
    if (hashEvent(record) !== record.hash) return fail(lineNo, `event ${record.seq} does not match its hash (edited)`);
    if (prev) {
      const consecutive = Number(record.seq) === Number(prev.seq) + 1;
      if (Number(record.seq) <= Number(prev.seq)) return fail(lineNo, `event ${record.seq} out of order`);
      if (consecutive && record.prevHash !== prev.hash) return fail(lineNo, `event ${record.seq} does not link to event ${prev.seq}`);
      if (!consecutive) contiguous = false;
    } else first = record;
    prev = record;
    count++;
  }
  if (pending) return fail(pendingStart, 'unterminated quoted cell at the end');
  if (!trailer) return fail(lineNo, 'no trailer: the export is incomplete (truncated)');
  if (trailer.count !== count) return fail(lineNo, `trailer says ${trailer.count} events, the file holds ${count}`);
  if ((first?.prevHash ?? null) !== trailer.firstPrevHash) return fail(lineNo, 'first event does not match the trailer firstPrevHash');
  if ((prev?.hash ?? null) !== trailer.lastHash) return fail(lineNo, 'last event does not match the trailer lastHash');
  if (trailer.contiguous && !contiguous) return fail(lineNo, 'trailer says contiguous, the events are not');
  if (digest.digest('hex') !== trailer.digest) return fail(lineNo, 'digest mismatch: event lines changed, added or removed');
  let signatureValid: boolean | undefined;
  if (options.key && trailer.signature) {
    const { signature, ...rest } = trailer;
    const expected = Buffer.from(trailerSignature(options.key, rest), 'hex');
    const given = Buffer.from(signature, 'hex');
    signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
    if (!signatureValid) return { ok: false, count, trailer, signatureValid, line: lineNo, reason: 'trailer signature invalid' };
  }
  return { ok: true, count, trailer, ...(signatureValid !== undefined ? { signatureValid } : {}) };
}
