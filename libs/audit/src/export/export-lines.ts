import { Col, CopyTuple, TupleWriter } from '../chain/canonical-copy';
import type { ExportFormat } from './audit-export-format';

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const COMMA = 0x2c;
const APOSTROPHE = 0x27;
/** `= + - @`, tab, CR and `'`: a text cell starting with one gets a leading `'` (CSV_FORMULA_START). */
const FORMULA_START = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d, APOSTROPHE]);

/** The JSON Lines keys, each with what precedes its value (the fields of AuditRecord, in order). */
const JSONL_KEYS = Object.fromEntries(
  (
    [
      ['seq', '{"seq":'],
      ['id', ',"id":'],
      ['occurredAt', ',"occurredAt":'],
      ['actorSub', ',"actorSub":'],
      ['actorName', ',"actorName":'],
      ['actorRoles', ',"actorRoles":'],
      ['actorDepartments', ',"actorDepartments":'],
      ['action', ',"action":'],
      ['objectType', ',"objectType":'],
      ['objectId', ',"objectId":'],
      ['caseFileId', ',"caseFileId":'],
      ['outcome', ',"outcome":'],
      ['requestId', ',"requestId":'],
      ['clientIp', ',"clientIp":'],
      ['reason', ',"reason":'],
      ['details', ',"details":'],
      ['prevHash', ',"prevHash":'],
      ['hash', ',"hash":'],
    ] as const
  ).map(([k, text]) => [k, Buffer.from(text, 'latin1')]),
) as Record<string, Buffer>;

/**
 * Export lines (see audit-export-format.ts) rendered straight from binary COPY tuples, many lines
 * into one chunk: JSON Lines with the fields of AuditRecord (details as stored, JSON), or CSV with
 * the columns of CSV_COLUMNS (strings quoted with "" escapes, NULL an empty cell, arrays and
 * details as JSON text).
 */
export class ExportLineRenderer extends TupleWriter {
  constructor(private readonly format: ExportFormat) {
    super();
  }

  /** Bytes rendered since the last take(). */
  get size(): number {
    return this.p;
  }

  /** The lines rendered since the last call (a copy; the buffer is reused). */
  take(): Buffer {
    const chunk = Buffer.from(this.out.subarray(0, this.p));
    this.p = 0;
    return chunk;
  }

  /** Appends the tuple's line, "\n" included; false (nothing appended) if it is not an audit row. */
  line(t: CopyTuple): boolean {
    const { lengths: l } = t;
    if (l[Col.Seq] !== 8 || l[Col.Id] !== 16 || l[Col.OccurredAt] !== 8 || (l[Col.CaseFileId] >= 0 && l[Col.CaseFileId] !== 16)) return false;
    // escaping grows a byte to at most 6, CSV-quoting doubles it again; keys add < 256 bytes
    this.room(t.size * 12 + 512);
    const start = this.p;
    const ok = this.format === 'csv' ? this.csv(t) : this.jsonl(t);
    if (!ok) this.p = start;
    return ok;
  }

  private jsonl(t: CopyTuple): boolean {
    const { buf: b, offsets: o, lengths: l } = t;
    this.key('seq');
    this.digits(this.seq(t), true);
    this.key('id');
    this.uuid(b, o[Col.Id]);
    this.key('occurredAt');
    this.time(this.micros(t));
    this.jsonString(t, 'actorSub', Col.ActorSub);
    this.jsonString(t, 'actorName', Col.ActorName);
    this.key('actorRoles');
    if (l[Col.ActorRoles] < 0 || !this.textArray(b, o[Col.ActorRoles], l[Col.ActorRoles])) return false;
    this.key('actorDepartments');
    if (l[Col.ActorDepartments] < 0 || !this.textArray(b, o[Col.ActorDepartments], l[Col.ActorDepartments])) return false;
    this.jsonString(t, 'action', Col.Action);
    this.jsonString(t, 'objectType', Col.ObjectType);
    this.jsonString(t, 'objectId', Col.ObjectId);
    this.key('caseFileId');
    if (l[Col.CaseFileId] < 0) this.null();
    else this.uuid(b, o[Col.CaseFileId]);
    this.jsonString(t, 'outcome', Col.Outcome);
    this.jsonString(t, 'requestId', Col.RequestId);
    this.jsonString(t, 'clientIp', Col.ClientIp);
    this.jsonString(t, 'reason', Col.Reason);
    this.key('details');
    if (l[Col.Details] < 0) this.null();
    else if (!this.jsonb(t)) return false;
    this.jsonString(t, 'prevHash', Col.PrevHash);
    this.jsonString(t, 'hash', Col.Hash);
    this.byte(0x7d); // }
    this.byte(NEWLINE);
    return true;
  }

  private csv(t: CopyTuple): boolean {
    const { buf: b, offsets: o, lengths: l } = t;
    this.digits(this.seq(t), false);
    this.byte(COMMA);
    this.uuid(b, o[Col.Id]); // hex digits and hyphens in quotes: a quoted cell as it is
    this.byte(COMMA);
    this.time(this.micros(t));
    for (const c of [Col.ActorSub, Col.ActorName]) this.csvText(t, c);
    for (const c of [Col.ActorRoles, Col.ActorDepartments]) {
      this.byte(COMMA);
      const from = this.p;
      if (l[c] < 0 || !this.textArray(b, o[c], l[c])) return false;
      this.csvQuote(from);
    }
    for (const c of [Col.Action, Col.ObjectType, Col.ObjectId]) this.csvText(t, c);
    this.byte(COMMA);
    if (l[Col.CaseFileId] >= 0) this.uuid(b, o[Col.CaseFileId]);
    for (const c of [Col.Outcome, Col.RequestId, Col.ClientIp, Col.Reason]) this.csvText(t, c);
    this.byte(COMMA);
    if (l[Col.Details] >= 0) {
      const from = this.p;
      if (!this.jsonb(t)) return false;
      this.csvQuote(from);
    }
    this.csvText(t, Col.PrevHash);
    this.csvText(t, Col.Hash);
    this.byte(NEWLINE);
    return true;
  }

  private micros(t: CopyTuple): number {
    const b = t.buf;
    const o = t.offsets[Col.OccurredAt];
    return b.readInt32BE(o) * 4294967296 + b.readUInt32BE(o + 4);
  }

  private key(name: keyof typeof JSONL_KEYS & string): void {
    const k = JSONL_KEYS[name];
    this.copy(k, 0, k.length);
  }

  private jsonString(t: CopyTuple, name: string, c: Col): void {
    this.key(name);
    this.string(t.buf, t.offsets[c], t.lengths[c]);
  }

  /** The details column (jsonb: a version byte, then JSON text) as stored. */
  private jsonb(t: CopyTuple): boolean {
    const o = t.offsets[Col.Details];
    const len = t.lengths[Col.Details];
    if (len < 1 || t.buf[o] !== 1) return false;
    this.copy(t.buf, o + 1, o + len);
    return true;
  }

  /** A comma, then a text cell: quoted with "" for ", or empty for NULL. */
  private csvText(t: CopyTuple, c: Col): void {
    this.byte(COMMA);
    const len = t.lengths[c];
    if (len < 0) return;
    const b = t.buf;
    const from = t.offsets[c];
    const out = this.out;
    let p = this.p;
    out[p++] = QUOTE;
    if (len > 0 && FORMULA_START.has(b[from])) out[p++] = APOSTROPHE;
    for (let i = from; i < from + len; i++) {
      const ch = b[i];
      out[p++] = ch;
      if (ch === QUOTE) out[p++] = QUOTE;
    }
    out[p++] = QUOTE;
    this.p = p;
  }

  /** Turns the text written since `from` into one quoted CSV cell. */
  private csvQuote(from: number): void {
    const text = Buffer.from(this.out.subarray(from, this.p));
    this.p = from;
    this.room(text.length * 2 + 3);
    const out = this.out;
    let p = this.p;
    out[p++] = QUOTE;
    if (text.length > 0 && FORMULA_START.has(text[0])) out[p++] = APOSTROPHE;
    for (let i = 0; i < text.length; i++) {
      out[p++] = text[i];
      if (text[i] === QUOTE) out[p++] = QUOTE;
    }
    out[p++] = QUOTE;
    this.p = p;
  }
}
