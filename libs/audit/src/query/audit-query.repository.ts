import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AUDIT_COLUMNS, AUDIT_SELECT, AuditRecord } from '../audit-event';
import { SliceSource, poolSource } from '../chain/verify-slice';
import { AuditFilter, SortOrder, filterSql } from './audit-filter';

const TIME = `to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const js = (expr: string) => `coalesce(to_json(${expr})::text, 'null')`;

/** One JSON Lines export line, built by PostgreSQL (parses to the fields of AuditRecord). */
const JSONL_LINE = `json_build_object('seq', seq::text, 'id', id, 'occurredAt', ${TIME}, 'actorSub', actor_sub, 'actorName', actor_name,
  'actorRoles', actor_roles, 'actorDepartments', actor_departments, 'action', action, 'objectType', object_type, 'objectId', object_id,
  'caseFileId', case_file_id, 'outcome', outcome, 'requestId', request_id, 'clientIp', client_ip, 'reason', reason, 'details', details,
  'prevHash', prev_hash, 'hash', hash)::text`;

const q = (expr: string) => `'"' || replace(${expr}, '"', '""') || '"'`;
const qn = (expr: string) => `coalesce(${q(expr)}, '')`;
/** One CSV export line (columns of CSV_COLUMNS; strings quoted, NULL empty), built by PostgreSQL. */
const CSV_LINE = [
  'seq::text',
  q('id::text'),
  q(TIME),
  qn('actor_sub'),
  qn('actor_name'),
  q('array_to_json(actor_roles)::text'),
  q('array_to_json(actor_departments)::text'),
  q('action::text'),
  qn('object_type::text'),
  qn('object_id'),
  qn('case_file_id::text'),
  q('outcome::text'),
  qn('request_id'),
  qn('client_ip'),
  qn('reason'),
  qn('details::text'),
  q('prev_hash::text'),
  q('hash::text'),
].join(" || ',' || ");

/** [seq, prev_hash, hash, export line] */
export type ExportRow = [string, string, string, string];

export interface StoredAnchor {
  id: string;
  seq: string;
  hash: string;
  signature: string;
  createdAt: string;
}

/** Reads the audit trail: pages, keyset batches for export and verification, anchors, head. */
@Injectable()
export class AuditQueryRepository implements SliceSource {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The driver's pg pool: large reads skip the ORM layer. */
  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  private async rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  /** Up to `limit` events after the keyset position `afterSeq` in the given order. */
  page(filter: AuditFilter, options: { order: SortOrder; afterSeq?: string; limit: number }): Promise<AuditRecord[]> {
    const params: unknown[] = [];
    let where = filterSql(filter, params);
    if (options.afterSeq) {
      params.push(options.afterSeq);
      where += ` AND seq ${options.order === 'asc' ? '>' : '<'} $${params.length}::bigint`;
    }
    params.push(options.limit);
    return this.rows<AuditRecord>(
      `SELECT ${AUDIT_SELECT} FROM audit_events WHERE ${where} ORDER BY audit_events.seq ${options.order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * All matching events in sequence order, in keyset batches (constant memory); the next batch
   * is fetched while the caller works on the current one.
   */
  async *batches(filter: AuditFilter, batchSize = 5000): AsyncGenerator<AuditRecord[]> {
    let after: string | undefined;
    let next: Promise<AuditRecord[]> | null = this.page(filter, { order: 'asc', limit: batchSize });
    while (next) {
      const batch: AuditRecord[] = await next;
      if (!batch.length) return;
      after = batch[batch.length - 1].seq;
      next = batch.length === batchSize ? this.page(filter, { order: 'asc', afterSeq: after, limit: batchSize }) : null;
      yield batch;
    }
  }

  /**
   * Rows of a sequence range in order, as arrays: the range is cut into slices of `sliceSize`
   * sequence numbers fetched by up to `parallel` connections at once (PostgreSQL formats rows on
   * several cores) while the caller consumes them in order. Memory: at most `parallel` slices.
   */
  private async *rangeRows<T extends unknown[]>(select: string, filter: AuditFilter, sliceSize: number, parallel: number): AsyncGenerator<T[]> {
    const bounds = await this.seqBounds(filter);
    if (!bounds) return;
    const params: unknown[] = [];
    const where = filterSql({ ...filter, fromSeq: undefined, toSeq: undefined }, params);
    const text = `SELECT seq::text, ${select} FROM audit_events
      WHERE ${where} AND seq >= $${params.length + 1}::bigint AND seq < $${params.length + 2}::bigint ORDER BY audit_events.seq ASC`;
    const name = `audit-${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    const fetch = (lo: number) =>
      this.pool
        .query({ name, text, values: [...params, lo, Math.min(lo + sliceSize, bounds.to + 1)], rowMode: 'array' })
        .then((r) => r.rows as T[]);
    const window: Promise<T[]>[] = [];
    let next = bounds.from;
    const fill = () => {
      while (window.length < parallel && next <= bounds.to) {
        const p = fetch(next);
        p.catch(() => undefined); // awaited below, in order
        window.push(p);
        next += sliceSize;
      }
    };
    fill();
    while (window.length) {
      const rows = await window.shift()!;
      fill();
      if (rows.length) yield rows;
    }
  }

  /** The sequence numbers a filter's seq and time bounds allow (null: nothing). */
  private async seqBounds(filter: AuditFilter): Promise<{ from: number; to: number } | null> {
    let from = filter.fromSeq ? Number(filter.fromSeq) : 1;
    let to = filter.toSeq ? Number(filter.toSeq) : Number(await this.lastSeq());
    if (filter.from || filter.to) {
      const t = await this.seqRangeForTime(filter.from, filter.to);
      if (t.fromSeq === null || t.toSeq === null) return null;
      from = Math.max(from, Number(t.fromSeq));
      to = Math.min(to, Number(t.toSeq));
    }
    return from <= to ? { from, to } : null;
  }

  /** Events as finished export lines. */
  exportBatches(filter: AuditFilter, format: 'csv' | 'jsonl', sliceSize = 10_000, parallel = 3): AsyncGenerator<ExportRow[]> {
    return this.rangeRows<ExportRow>(`prev_hash::text, hash::text, ${format === 'csv' ? CSV_LINE : JSONL_LINE}`, filter, sliceSize, parallel);
  }

  /** Events lo..hi as a binary COPY stream (see chain/verify-slice.ts). */
  copyRange(lo: number, hi: number): ReturnType<SliceSource['copyRange']> {
    return poolSource(this.pool).copyRange(lo, hi);
  }

  async record(seq: string): Promise<AuditRecord | null> {
    const [row] = await this.rows<AuditRecord>(`SELECT ${AUDIT_SELECT} FROM audit_events WHERE seq = $1::bigint`, [seq]);
    return row ?? null;
  }

  async head(): Promise<{ seq: string; hash: string }> {
    const [head] = await this.rows<{ seq: string; hash: string }>('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1');
    return head ?? { seq: '0', hash: '0'.repeat(64) };
  }

  async lastSeq(): Promise<string> {
    const [row] = await this.rows<{ seq: string | null }>('SELECT max(seq)::text AS seq FROM audit_events');
    return row?.seq ?? '0';
  }

  async hashAt(seq: string): Promise<string | null> {
    const [row] = await this.rows<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = $1::bigint', [seq]);
    return row?.hash ?? null;
  }

  /** The sequence number holding an event with this hash (slow path: only used to explain a break). */
  async seqOfHash(hash: string): Promise<string | null> {
    const [row] = await this.rows<{ seq: string }>('SELECT seq::text AS seq FROM audit_events WHERE hash = $1 LIMIT 1', [hash]);
    return row?.seq ?? null;
  }

  /** The sequence numbers bounding a time range (null when no event falls into it). */
  async seqRangeForTime(from?: string, to?: string): Promise<{ fromSeq: string | null; toSeq: string | null }> {
    const params: unknown[] = [];
    const where = filterSql({ from, to }, params);
    const [row] = await this.rows<{ lo: string | null; hi: string | null }>(
      `SELECT min(seq)::text AS lo, max(seq)::text AS hi FROM audit_events WHERE ${where}`,
      params,
    );
    return { fromSeq: row?.lo ?? null, toSeq: row?.hi ?? null };
  }

  anchors(): Promise<StoredAnchor[]> {
    return this.rows<StoredAnchor>(
      `SELECT id::text AS id, seq::text AS seq, hash, signature,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt"
         FROM audit_anchors ORDER BY seq, id`,
    );
  }

  /** The lead department of a case file; undefined when there is no such case file (any more). */
  async caseFileDepartment(id: string): Promise<string | undefined> {
    const [row] = await this.rows<{ department_code: string }>('SELECT department_code FROM case_files WHERE id = $1::uuid', [id]);
    return row?.department_code;
  }

  async hasEventsFor(caseFileId: string): Promise<boolean> {
    const [row] = await this.rows<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM audit_events WHERE case_file_id = $1::uuid) AS found', [caseFileId]);
    return !!row?.found;
  }
}
