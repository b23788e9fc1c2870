import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { pgPool } from '@app/database';
import { DataSource, EntityManager } from 'typeorm';
import { AUDIT_COLUMNS, AuditRecord, UnchainedAuditRecord, hashEvent } from './audit-event';

type Head = { seq: string; hash: string };

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
const APPEND_NAME = 'audit_events.append_if_head';

/**
 * Appends events to the hash chain, always through {@link APPEND_IF_HEAD}: inside the caller's
 * transaction, in a transaction of its own under the head's lock, or as one statement on a guess
 * of the head. The chain head row is the lock.
 */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Appends inside the caller's transaction (two round trips: lock the head, move it + insert). */
  async append(manager: EntityManager, events: UnchainedAuditRecord[]): Promise<AuditRecord[]> {
    if (!events.length) return [];
    const [head] = await manager.query('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE');
    const chained = await this.appendIfHead(async (values) => (await manager.queryRunner!.query(APPEND_IF_HEAD, values, true)).affected ?? 0, head, events);
    return lockedAppend(chained);
  }

  /**
   * The chain head this instance last wrote (or read under the lock); null until it knows one.
   * Only a guess: another instance, or a state change inside a caller's transaction, may have
   * moved the head since. The one-statement append below checks it under the head's row lock.
   */
  private lastHead: Head | null = null;

  /** How the standalone appends went (for tests and diagnostics). */
  readonly standaloneStats = { oneStatement: 0, locked: 0 };

  /**
   * Appends in a transaction of its own. The group commit of reads waits on this, so round trips
   * count: when this instance still holds the head it wrote last, it is one statement (moving the
   * head under its row lock, on condition that it still is that head, and inserting the events
   * only if it moved). Otherwise, and when the guess was wrong, three round trips: BEGIN with the
   * head lock, move + insert, COMMIT.
   */
  async appendStandalone(events: UnchainedAuditRecord[]): Promise<AuditRecord[]> {
    if (!events.length) return [];
    let chained: AuditRecord[] | null = null;
    if (this.lastHead) {
      const guess = this.lastHead;
      this.lastHead = null;
      chained = await this.appendIfHead(async (values) => (await this.pool.query({ name: APPEND_NAME, text: APPEND_IF_HEAD, values })).rowCount ?? 0, guess, events);
      // null: the head had moved on and nothing was written; append behind the real head
      if (chained) this.standaloneStats.oneStatement++;
    }
    if (!chained) {
      chained = await this.appendLocked(events);
      this.standaloneStats.locked++;
    }
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
      const chained = await this.appendIfHead(async (values) => (await client.query({ name: APPEND_NAME, text: APPEND_IF_HEAD, values })).rowCount ?? 0, results[1]?.rows[0], events);
      await client.query('COMMIT');
      return lockedAppend(chained);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }

  /**
   * Numbers and hashes the events behind `head` and runs {@link APPEND_IF_HEAD} through `run`
   * (which answers the number of rows inserted): the chained events, or null if the head was no
   * longer `head` and nothing was written.
   */
  private async appendIfHead(run: (values: unknown[]) => Promise<number>, head: Head | undefined, events: UnchainedAuditRecord[]): Promise<AuditRecord[] | null> {
    if (!head) throw new Error('audit chain head missing: run migrations');
    let seq = BigInt(head.seq);
    let prevHash = head.hash;
    const chained: AuditRecord[] = [];
    for (const e of events) {
      seq += 1n;
      const withPrev = { ...e, seq: seq.toString(), prevHash };
      const hash = hashEvent(withPrev);
      chained.push({ ...withPrev, hash });
      prevHash = hash;
    }
    // one array per column, in AUDIT_COLUMNS order; text[] columns travel as JSON arrays (a
    // parameter cannot be an array of arrays of different lengths)
    const columns: unknown[][] = AUDIT_COLUMNS.map(() => []);
    for (const r of chained) {
      const row = [r.seq, r.id, r.occurredAt, r.actorSub, r.actorName, JSON.stringify(r.actorRoles), JSON.stringify(r.actorDepartments), r.action, r.objectType,
        r.objectId, r.caseFileId, r.outcome, r.requestId, r.clientIp, r.reason, r.details === null ? null : JSON.stringify(r.details), r.prevHash, r.hash];
      for (let i = 0; i < row.length; i++) columns[i].push(row[i]);
    }
    const inserted = await run([...columns, head.seq, head.hash, seq.toString(), prevHash]);
    return inserted === events.length ? chained : null;
  }
}

/** Under the head's lock the head cannot have moved: no rows written means something is badly wrong. */
function lockedAppend(chained: AuditRecord[] | null): AuditRecord[] {
  if (!chained) throw new Error('audit chain head moved while locked');
  return chained;
}
