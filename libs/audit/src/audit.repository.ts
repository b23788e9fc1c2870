import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AUDIT_COLUMNS, AuditRecord, UnchainedAuditRecord, hashEvent } from './audit-event';

/** Appends events to the hash chain. Callers hold the transaction; the chain head row is the lock. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Appends inside the caller's transaction (two round trips: lock the head, insert + move the head). */
  async append(manager: EntityManager, events: UnchainedAuditRecord[]): Promise<AuditRecord[]> {
    if (!events.length) return [];
    const [head] = await manager.query('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE');
    const { sql, params, chained } = this.chain(head, events);
    await manager.query(sql, params);
    return chained;
  }

  /**
   * Appends in a transaction of its own, in three round trips (BEGIN with the head lock, insert +
   * head update, COMMIT): the group commit of reads waits on this, so every round trip counts.
   */
  async appendStandalone(events: UnchainedAuditRecord[]): Promise<AuditRecord[]> {
    if (!events.length) return [];
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
    try {
      const results = (await client.query('BEGIN; SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE')) as unknown as QueryResult[];
      const { sql, params, chained } = this.chain(results[1]?.rows[0], events);
      await client.query(sql, params);
      await client.query('COMMIT');
      return chained;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }

  /** Computes seq and hashes from the head and builds one statement inserting the events and moving the head. */
  private chain(head: { seq: string; hash: string } | undefined, events: UnchainedAuditRecord[]): { sql: string; params: unknown[]; chained: AuditRecord[] } {
    if (!head) throw new Error('audit chain head missing: run migrations');
    let seq = BigInt(head.seq);
    let prevHash: string = head.hash;
    const chained: AuditRecord[] = [];
    for (const e of events) {
      seq += 1n;
      const withPrev = { ...e, seq: seq.toString(), prevHash };
      const hash = hashEvent(withPrev);
      chained.push({ ...withPrev, hash });
      prevHash = hash;
    }
    const params: unknown[] = [];
    const rows = chained.map((r) => {
      const values = [
        r.seq,
        r.id,
        r.occurredAt,
        r.actorSub,
        r.actorName,
        r.actorRoles,
        r.actorDepartments,
        r.action,
        r.objectType,
        r.objectId,
        r.caseFileId,
        r.outcome,
        r.requestId,
        r.clientIp,
        r.reason,
        r.details === null ? null : JSON.stringify(r.details),
        r.prevHash,
        r.hash,
      ];
      const placeholders = values.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      return `(${placeholders.join(',')})`;
    });
    params.push(seq.toString(), prevHash);
    const sql = `WITH appended AS (INSERT INTO audit_events (${AUDIT_COLUMNS.join(',')}) VALUES ${rows.join(',')} RETURNING 1)
      UPDATE audit_chain_head SET seq = $${params.length - 1}, hash = $${params.length} WHERE id = 1`;
    return { sql, params, chained };
  }

}
