import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { pgPool } from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import { AUDIT_COLUMNS, AuditRecord, UnchainedAuditRecord, hashEvent } from './audit-event';

/** Appends events to the hash chain. Callers hold the transaction; the chain head row is the lock. */
/** A stored event's column values, in {@link AUDIT_COLUMNS} order. */
function rowValues(r: AuditRecord): unknown[] {
  return [
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
}

const ROLES = AUDIT_COLUMNS.indexOf('actor_roles');
const DEPARTMENTS = AUDIT_COLUMNS.indexOf('actor_departments');

/**
 * Moves the chain head from ($19, $20) to ($21, $22) and inserts the events ($1..$18: one array per
 * column) only if it did, in one statement (one implicit transaction). The UPDATE waits for the
 * head's row lock and re-checks its condition on the newest head, so when anyone else appended in
 * between, no row matches and nothing is inserted. One text for any number of events: prepared once.
 */
const APPEND_IF_HEAD = `WITH moved AS (
    UPDATE audit_chain_head SET seq = $21::bigint, hash = $22::text WHERE id = 1 AND seq = $19::bigint AND hash = $20::text RETURNING 1)
  INSERT INTO audit_events (${AUDIT_COLUMNS.join(',')})
  SELECT e.seq, e.id, e.occurred_at, e.actor_sub, e.actor_name,
         ARRAY(SELECT jsonb_array_elements_text(e.actor_roles)), ARRAY(SELECT jsonb_array_elements_text(e.actor_departments)),
         e.action, e.object_type, e.object_id, e.case_file_id, e.outcome, e.request_id, e.client_ip, e.reason, e.details, e.prev_hash, e.hash
    FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[], $9::text[],
                $10::text[], $11::uuid[], $12::text[], $13::text[], $14::text[], $15::text[], $16::jsonb[], $17::text[], $18::text[])
      AS e(${AUDIT_COLUMNS.join(',')})
   WHERE EXISTS (SELECT 1 FROM moved)`;

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
   * The chain head this instance last wrote (or read under the lock); null until it knows one.
   * Only a guess: another instance, or a state change inside a caller's transaction, may have
   * moved the head since. The one-statement append below checks it under the head's row lock.
   */
  private lastHead: { seq: string; hash: string } | null = null;

  /** How the standalone appends went (for tests and diagnostics). */
  readonly standaloneStats = { oneStatement: 0, locked: 0 };

  /**
   * Appends in a transaction of its own. The group commit of reads waits on this, so round trips
   * count: when this instance still holds the head it wrote last, it is one statement (moving the
   * head under its row lock, on condition that it still is that head, and inserting the events
   * only if it moved). Otherwise, and when the guess was wrong, three round trips: BEGIN with the
   * head lock, insert + head update, COMMIT.
   */
  async appendStandalone(events: UnchainedAuditRecord[]): Promise<AuditRecord[]> {
    if (!events.length) return [];
    if (this.lastHead) {
      const guess = this.lastHead;
      this.lastHead = null;
      const { params, chained } = this.chainColumns(guess, events);
      const last = chained[chained.length - 1];
      const result = await this.pool.query({ name: 'audit_events.append_if_head', text: APPEND_IF_HEAD, values: [...params, guess.seq, guess.hash, last.seq, last.hash] });
      if (result.rowCount === events.length) {
        this.lastHead = { seq: last.seq, hash: last.hash };
        this.standaloneStats.oneStatement++;
        return chained;
      }
      // the head had moved on: nothing was written; append behind the real head
    }
    const chained = await this.appendLocked(events);
    this.standaloneStats.locked++;
    const last = chained[chained.length - 1];
    this.lastHead = { seq: last.seq, hash: last.hash };
    return chained;
  }

  private get pool(): Pool {
    return pgPool(this.dataSource);
  }

  private async appendLocked(events: UnchainedAuditRecord[]): Promise<AuditRecord[]> {
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

  /** The events chained behind the head, as one array per column (the parameters of {@link APPEND_IF_HEAD}). */
  private chainColumns(head: { seq: string; hash: string }, events: UnchainedAuditRecord[]): { params: unknown[][]; chained: AuditRecord[] } {
    const chained = this.link(head, events);
    const params: unknown[][] = AUDIT_COLUMNS.map(() => []);
    for (const r of chained) {
      const values = rowValues(r);
      for (let i = 0; i < values.length; i++) params[i].push(values[i]);
    }
    // text[] columns travel as JSON arrays (a parameter cannot be an array of arrays of different lengths)
    params[ROLES] = params[ROLES].map((v) => JSON.stringify(v));
    params[DEPARTMENTS] = params[DEPARTMENTS].map((v) => JSON.stringify(v));
    return { params, chained };
  }

  /** Computes seq and hashes from the head and builds one statement inserting the events and moving the head. */
  private chain(head: { seq: string; hash: string } | undefined, events: UnchainedAuditRecord[]): { sql: string; params: unknown[]; chained: AuditRecord[] } {
    if (!head) throw new Error('audit chain head missing: run migrations');
    const chained = this.link(head, events);
    const params: unknown[] = [];
    const rows = chained.map((r) => {
      const placeholders = rowValues(r).map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      return `(${placeholders.join(',')})`;
    });
    const last = chained[chained.length - 1];
    params.push(last.seq, last.hash);
    const sql = `WITH appended AS (INSERT INTO audit_events (${AUDIT_COLUMNS.join(',')}) VALUES ${rows.join(',')} RETURNING 1)
      UPDATE audit_chain_head SET seq = $${params.length - 1}, hash = $${params.length} WHERE id = 1`;
    return { sql, params, chained };
  }

  /** Numbers and hashes the events behind the head. */
  private link(head: { seq: string; hash: string }, events: UnchainedAuditRecord[]): AuditRecord[] {
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
    return chained;
  }
}
