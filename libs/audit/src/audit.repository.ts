import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditRecord, UnchainedAuditRecord, hashEvent } from './audit-event';

const COLUMNS = [
  'seq',
  'id',
  'occurred_at',
  'actor_sub',
  'actor_name',
  'actor_roles',
  'actor_departments',
  'action',
  'object_type',
  'object_id',
  'case_file_id',
  'outcome',
  'request_id',
  'client_ip',
  'reason',
  'details',
  'prev_hash',
  'hash',
];

/** SQL expression selecting a row in the shape of {@link AuditRecord}. */
export const AUDIT_SELECT = `
  seq::text AS "seq", id::text AS "id",
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredAt",
  actor_sub AS "actorSub", actor_name AS "actorName", actor_roles AS "actorRoles",
  actor_departments AS "actorDepartments", action, object_type AS "objectType", object_id AS "objectId",
  case_file_id::text AS "caseFileId", outcome, request_id AS "requestId", client_ip AS "clientIp", reason,
  details, prev_hash AS "prevHash", hash`;

/** Appends events to the hash chain. Callers hold the transaction; the chain head row is the lock. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async append(manager: EntityManager, events: UnchainedAuditRecord[]): Promise<AuditRecord[]> {
    if (!events.length) return [];
    const [head] = await manager.query('SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE');
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
    await manager.query(`INSERT INTO audit_events (${COLUMNS.join(',')}) VALUES ${rows.join(',')}`, params);
    await manager.query('UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1', [seq.toString(), prevHash]);
    return chained;
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
