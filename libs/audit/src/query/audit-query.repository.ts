import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { escapeLiteral, type Pool } from 'pg';
import { pgPool } from '@app/database';
import { DataSource } from 'typeorm';
import { AUDIT_COLUMNS, AUDIT_SELECT, AuditRecord } from '../audit-event';
import { copyOutPaced } from '../chain/copy-out';
import { SliceSource, poolSource } from '../chain/verify-slice';
import { AuditFilter, SortOrder, filterSql } from './audit-filter';



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

  private get pool(): Pool {
    return pgPool(this.dataSource);
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
   * The events a filter selects, in sequence order, as a binary COPY of AUDIT_COLUMNS read at the
   * consumer's pace (see copyOutPaced).
   */
  async copyEvents(filter: AuditFilter, onData: (chunk: Buffer, from: number, to: number) => void, ready: () => boolean): Promise<ReturnType<typeof copyOutPaced>> {
    const params: unknown[] = [];
    // COPY takes no parameters: the filter's values go in as escaped literals
    const where = filterSql(filter, params).replace(/\$(\d+)/g, (_, n: string) => escapeLiteral(String(params[Number(n) - 1])));
    const client = await this.pool.connect();
    return copyOutPaced(client, `COPY (SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit_events WHERE ${where} ORDER BY seq) TO STDOUT (FORMAT binary)`, onData, ready);
  }

  /** Streams events lo..hi (see SliceSource). */
  copyRange(lo: number, hi: number, onData: (chunk: Buffer, from: number, to: number) => boolean): Promise<boolean> {
    return poolSource(this.pool).copyRange(lo, hi, onData);
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
