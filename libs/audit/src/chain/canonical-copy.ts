import { hash as digest } from 'node:crypto';
import { AUDIT_COLUMNS, canonicalJson } from '../audit-event';

/**
 * Re-hashing audit events straight from PostgreSQL's binary COPY format.
 *
 * `COPY (SELECT <AUDIT_COLUMNS> …) TO STDOUT (FORMAT binary)` costs the database little more than
 * reading the rows, and the tuples are rendered here into the canonical serialisation
 * (`canonicalEvent`) byte by byte in one reused buffer, without building an object or a string per
 * field. The rendering is exactly `canonicalEvent` for every event the application writes; for
 * anything it cannot render exactly (a multi-dimensional array, say) it gives up (`null`), and the
 * caller re-hashes that event the slow, obviously correct way. It is injective (every free-text
 * field is JSON-escaped), so a changed row can never render to the text its stored hash was taken
 * over: a match is a real match.
 */

/** The SELECT list of the COPY, in canonical order (the event's own hash last). */
export const COPY_COLUMNS = AUDIT_COLUMNS.join(', ');

/** One decoded tuple: the row's bytes and where each column lies in them (length -1: NULL). */
export interface CopyTuple {
  buf: Buffer;
  /** Bytes of the tuple in `buf`. */
  size: number;
  offsets: Int32Array;
  lengths: Int32Array;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Splits a binary COPY stream into tuples. Feed it the stream's chunks in order; each call returns
 * the tuples completed by that chunk (a tuple cut between chunks is kept until the rest arrives).
 * The tuple objects are reused: read them before the next call.
 */
export class BinaryCopyReader {
  private rest: Buffer | null = null;
  private headerRead = false;
  private done = false;
  private readonly tuple: CopyTuple;

  constructor(private readonly columns: number) {
    this.tuple = { buf: Buffer.alloc(0), size: 0, offsets: new Int32Array(columns), lengths: new Int32Array(columns) };
  }

  /**
   * Calls `onTuple` for every complete tuple. When `onTuple` returns false the reader stops and
   * returns false, keeping the rest: `push(Buffer.alloc(0), …)` goes on after that tuple.
   */
  push(chunk: Buffer, onTuple: (t: CopyTuple) => boolean): boolean {
    return this.pushRange(chunk, 0, chunk.length, onTuple);
  }

  /** `push` for bytes from..to of `chunk` (no slice of it is made when whole tuples lie in it). */
  pushRange(chunk: Buffer, from: number, to: number, onTuple: (t: CopyTuple) => boolean): boolean {
    if (this.done) return true;
    const b = this.rest ? Buffer.concat([this.rest, chunk.subarray(from, to)]) : chunk;
    let p = this.rest ? 0 : from;
    const end = this.rest ? b.length : to;
    this.rest = null;
    if (!this.headerRead) {
      if (end - p < 19) return this.keep(b, p, end);
      if (!b.subarray(p, p + 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      p += 19 + b.readInt32BE(p + 15);
      this.headerRead = true;
    }
    const t = this.tuple;
    t.buf = b;
    const { offsets, lengths } = t;
    while (end - p >= 2) {
      const fields = b.readInt16BE(p);
      if (fields === -1) {
        this.done = true;
        return true;
      }
      if (fields !== this.columns) throw new Error(`binary COPY tuple has ${fields} columns, expected ${this.columns}`);
      let q = p + 2;
      let complete = true;
      for (let i = 0; i < fields; i++) {
        if (end - q < 4) {
          complete = false;
          break;
        }
        const len = (b[q] << 24) | (b[q + 1] << 16) | (b[q + 2] << 8) | b[q + 3];
        q += 4;
        offsets[i] = q;
        lengths[i] = len;
        if (len > 0) q += len;
        if (q > end) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      t.size = q - p;
      p = q;
      if (!onTuple(t)) {
        this.keep(b, p, end);
        return false;
      }
    }
    return this.keep(b, p, end);
  }

  private keep(b: Buffer, from: number, to: number): boolean {
    if (from < to) this.rest = Buffer.from(b.subarray(from, to));
    return true;
  }
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Bytes JSON.stringify escapes: control characters, the quote and the backslash. */
const ESCAPED = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) ESCAPED[c] = 1;
ESCAPED[0x22] = 1;
ESCAPED[0x5c] = 1;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;

/** Column positions (AUDIT_COLUMNS order). */
export enum Col {
  Seq = 0,
  Id,
  OccurredAt,
  ActorSub,
  ActorName,
  ActorRoles,
  ActorDepartments,
  Action,
  ObjectType,
  ObjectId,
  CaseFileId,
  Outcome,
  RequestId,
  ClientIp,
  Reason,
  Details,
  PrevHash,
  Hash,
}

/** Compares two byte ranges of `b` as JavaScript compares ASCII strings (a prefix first). */
function compareBytes(b: Buffer, as: number, ae: number, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let i = 0; i < n; i++) {
    const d = b[as + i] - b[bs + i];
    if (d) return d;
  }
  return ae - as - (be - bs);
}

/** A signed 64-bit big-endian integer as a JS number (exact up to 2^53). */
function int64(b: Buffer, o: number): number {
  const hi = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  const lo = ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0;
  return hi * 4294967296 + lo;
}

/**
 * Writes the columns of AUDIT_COLUMNS tuples as JSON (and CSV) text into one reused buffer: the
 * primitives of the canonical rendering and of the export lines.
 */
export class TupleWriter {
  protected out = Buffer.allocUnsafe(4096);
  protected p = 0;
  protected lastSecond = NaN;
  protected secondText = Buffer.alloc(21);

  /** The tuple's sequence number. */
  seq(t: CopyTuple): number {
    return int64(t.buf, t.offsets[Col.Seq]);
  }

  /** prev_hash and hash as stored (text). */
  chain(t: CopyTuple): { prevHash: string; hash: string } {
    return { prevHash: this.text(t, Col.PrevHash) ?? '', hash: this.text(t, Col.Hash) ?? '' };
  }

  protected text(t: CopyTuple, c: Col): string | null {
    return t.lengths[c] < 0 ? null : t.buf.toString('latin1', t.offsets[c], t.offsets[c] + t.lengths[c]);
  }

  protected room(n: number): void {
    if (this.p + n <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.p + n));
    this.out.copy(bigger, 0, 0, this.p);
    this.out = bigger;
  }

  protected byte(c: number): void {
    this.out[this.p++] = c;
  }

  /** Bytes from..to of `b`, as they are. */
  protected copy(b: Buffer, from: number, to: number): void {
    this.room(to - from);
    const out = this.out;
    let p = this.p;
    for (let i = from; i < to; i++) out[p++] = b[i];
    this.p = p;
  }

  protected null(): void {
    const out = this.out;
    out[this.p++] = 0x6e; // n
    out[this.p++] = 0x75; // u
    out[this.p++] = 0x6c; // l
    out[this.p++] = 0x6c; // l
  }

  /** A non-negative integer in decimal, in quotes if asked (a negative one goes through String). */
  protected digits(v: number, quoted: boolean, width = 0): void {
    const out = this.out;
    if (quoted) out[this.p++] = QUOTE;
    if (v < 0 || !Number.isSafeInteger(v)) this.p += out.write(String(v), this.p, 'latin1');
    else {
      let n = 1;
      for (let x = v; x >= 10; x = Math.floor(x / 10)) n++;
      if (n < width) n = width;
      let p = this.p + n - 1;
      for (let x = v, i = 0; i < n; i++, x = Math.floor(x / 10)) out[p--] = 0x30 + (x % 10);
      this.p += n;
    }
    if (quoted) out[this.p++] = QUOTE;
  }

  protected utf8(s: string): void {
    this.room(Buffer.byteLength(s));
    this.p += this.out.write(s, this.p, 'utf8');
  }

  /** A text value as JSON.stringify writes it (NULL: null): copied while looking for what needs escaping. */
  protected string(b: Buffer, from: number, len: number): void {
    if (len < 0) return this.null();
    const out = this.out;
    const start = this.p;
    let p = start + 1;
    const to = from + len;
    for (let i = from; i < to; i++) {
      const c = b[i];
      if (ESCAPED[c] === 1) {
        this.p = start;
        return this.utf8(JSON.stringify(b.toString('utf8', from, to)));
      }
      out[p++] = c;
    }
    out[start] = QUOTE;
    out[p++] = QUOTE;
    this.p = p;
  }

  /** A uuid as "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
  protected uuid(b: Buffer, from: number): void {
    const out = this.out;
    let p = this.p;
    out[p++] = QUOTE;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) out[p++] = 0x2d;
      const v = b[from + i];
      out[p++] = HEX[v >> 4];
      out[p++] = HEX[v & 15];
    }
    out[p++] = QUOTE;
    this.p = p;
  }

  /** A timestamptz (microseconds since 2000-01-01 UTC) as formatMicros writes it. */
  protected time(pgMicros: number): void {
    const second = Math.floor(pgMicros / 1e6);
    const frac = pgMicros - second * 1e6;
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.secondText.write(`"${new Date(PG_EPOCH_MS + second * 1000).toISOString().slice(0, 19)}.`, 0, 'latin1');
    }
    const out = this.out;
    const text = this.secondText;
    let p = this.p;
    for (let i = 0; i < 21; i++) out[p++] = text[i];
    this.p = p;
    this.digits(frac, false, 6);
    out[this.p++] = 0x5a; // Z
    out[this.p++] = QUOTE;
  }

  /** A one-dimensional text[] as a JSON array of strings; false for anything else. */
  protected textArray(b: Buffer, from: number, len: number): boolean {
    const ndim = b.readInt32BE(from);
    if (ndim === 0) {
      this.byte(0x5b);
      this.byte(0x5d);
      return true;
    }
    if (ndim !== 1 || len < 20) return false;
    const n = b.readInt32BE(from + 12);
    let p = from + 20;
    this.byte(0x5b);
    for (let i = 0; i < n; i++) {
      if (i) this.byte(COMMA);
      const el = b.readInt32BE(p);
      p += 4;
      this.string(b, p, el);
      if (el > 0) p += el;
    }
    this.byte(0x5d);
    return true;
  }
}


/** Renders tuples of AUDIT_COLUMNS into the canonical serialisation and hashes it. */
export class CanonicalRenderer extends TupleWriter {
  /** SHA-256 (hex) of the canonical serialisation, or null when this renderer cannot render it exactly. */
  hash(t: CopyTuple): string | null {
    if (!this.renderInto(t)) return null;
    // a plain view over the rendered bytes: cheaper to make than a Buffer slice, for every event
    return digest('sha256', new Uint8Array(this.out.buffer, this.out.byteOffset, this.p), 'hex');
  }

  /** The canonical serialisation as bytes (valid until the next call), or null. */
  render(t: CopyTuple): Buffer | null {
    return this.renderInto(t) ? this.out.subarray(0, this.p) : null;
  }

  /** Renders into the buffer (bytes 0..p); false when it cannot render the tuple exactly. */
  private renderInto(t: CopyTuple): boolean {
    const { buf: b, offsets: o, lengths: l } = t;
    if (l[Col.Seq] !== 8 || l[Col.Id] !== 16 || l[Col.OccurredAt] !== 8) return false;
    // JSON-escaping grows a byte to at most 6 ("\u001f"): with this much room the fixed-size
    // writes below need no checks (the escaped and the details text check for themselves)
    this.p = 0;
    this.room(t.size * 6 + 256);
    this.byte(0x5b); // [
    this.digits(int64(b, o[Col.Seq]), true);
    this.byte(COMMA);
    this.uuid(b, o[Col.Id]);
    this.byte(COMMA);
    this.time(int64(b, o[Col.OccurredAt]));
    this.field(t, Col.ActorSub);
    this.field(t, Col.ActorName);
    if (!this.array(t, Col.ActorRoles) || !this.array(t, Col.ActorDepartments)) return false;
    this.field(t, Col.Action);
    this.field(t, Col.ObjectType);
    this.field(t, Col.ObjectId);
    this.byte(COMMA);
    if (l[Col.CaseFileId] < 0) this.null();
    else if (l[Col.CaseFileId] === 16) this.uuid(b, o[Col.CaseFileId]);
    else return false;
    this.field(t, Col.Outcome);
    this.field(t, Col.RequestId);
    this.field(t, Col.ClientIp);
    this.field(t, Col.Reason);
    this.byte(COMMA);
    const dl = l[Col.Details];
    if (dl < 0) this.null();
    else {
      // jsonb: a version byte (1), then the JSON text; canonical form as the application hashes it
      if (dl < 1 || b[o[Col.Details]] !== 1) return false;
      const from = o[Col.Details] + 1;
      const to = o[Col.Details] + dl;
      if (!this.flatObject(b, from, to)) this.utf8(canonicalJson(JSON.parse(b.toString('utf8', from, to))));
    }
    this.field(t, Col.PrevHash);
    this.byte(0x5d); // ]
    return true;
  }

  private readonly keys = new Int32Array(64);
  private readonly values = new Int32Array(64);

  /**
   * The canonical form of a flat JSON object as jsonb prints it (`{"b": 1, "a": "x"}`: keys sorted
   * by length, ", " and ": " between), written without parsing: keys re-sorted as canonicalJson
   * sorts them, the spaces dropped. Only for what it can copy exactly: ASCII keys without escapes,
   * strings without escapes, numbers printed as JavaScript prints them, true/false/null. Anything
   * else (nesting, escapes, other numbers, more than 32 keys): false, nothing written.
   */
  private flatObject(b: Buffer, from: number, to: number): boolean {
    if (b[from] !== 0x7b || b[to - 1] !== 0x7d) return false;
    const keys = this.keys;
    const values = this.values;
    let n = 0;
    let i = from + 1;
    if (i === to - 1) {
      this.byte(0x7b);
      this.byte(0x7d);
      return true;
    }
    for (;;) {
      if (n === 32 || b[i] !== QUOTE) return false;
      const ks = i;
      for (i++; i < to && b[i] !== QUOTE; i++) if (b[i] === BACKSLASH || b[i] >= 0x80) return false;
      const ke = ++i; // after the closing quote
      if (b[i] !== 0x3a || b[i + 1] !== 0x20) return false; // ": "
      i += 2;
      const vs = i;
      const c = b[i];
      if (c === QUOTE) {
        for (i++; i < to && b[i] !== QUOTE; i++) if (b[i] === BACKSLASH) return false;
        i++;
      } else if (c === 0x7b || c === 0x5b) {
        return false;
      } else {
        while (i < to && b[i] !== COMMA && b[i] !== 0x7d) i++;
        const token = b.toString('latin1', vs, i);
        if (token !== 'true' && token !== 'false' && token !== 'null' && String(Number(token)) !== token) return false;
      }
      keys[2 * n] = ks;
      keys[2 * n + 1] = ke;
      values[2 * n] = vs;
      values[2 * n + 1] = i;
      n++;
      if (i >= to - 1) break;
      if (b[i] !== COMMA || b[i + 1] !== 0x20) return false; // ", "
      i += 2;
    }
    if (i !== to - 1) return false;
    // insertion sort of the key indexes by the key text without quotes (ASCII: JavaScript's order)
    const order: number[] = [];
    for (let k = 0; k < n; k++) {
      let j = order.length;
      while (j > 0 && compareBytes(b, keys[2 * order[j - 1]] + 1, keys[2 * order[j - 1] + 1] - 1, keys[2 * k] + 1, keys[2 * k + 1] - 1) > 0) j--;
      order.splice(j, 0, k);
    }
    this.byte(0x7b);
    for (let k = 0; k < n; k++) {
      const x = order[k];
      if (k) this.byte(COMMA);
      this.copy(b, keys[2 * x], keys[2 * x + 1]);
      this.byte(0x3a);
      this.copy(b, values[2 * x], values[2 * x + 1]);
    }
    this.byte(0x7d);
    return true;
  }

  /** A comma, then a text column as a JSON string. */
  protected field(t: CopyTuple, c: Col): void {
    this.byte(COMMA);
    this.string(t.buf, t.offsets[c], t.lengths[c]);
  }

  /** A comma, then a text[] column as a JSON array; false when it is not one-dimensional. */
  protected array(t: CopyTuple, c: Col): boolean {
    this.byte(COMMA);
    return t.lengths[c] >= 0 && this.textArray(t.buf, t.offsets[c], t.lengths[c]);
  }
}
