import { MigrationInterface, QueryRunner } from 'typeorm';

const INDEXES: Array<[name: string, definition: string]> = [
  // scans by capture time (letters and pages per day)
  ['capture_records_captured_at', `capture_records (captured_at)`],
  // the scan backlog: a small partial index of the scans queued, processing or failed
  ['documents_scan_backlog', `documents (status, created_at) WHERE status IN ('queued', 'processing', 'failed')`],
  // denied attempts in the audit trail by time
  ['audit_events_denied_time', `audit_events (occurred_at) WHERE outcome = 'denied'`],
];

/**
 * Indexes for the dashboards (issue 14), so their figures are index ranges of the period, not
 * scans of whole tables. Built CONCURRENTLY (so outside a transaction): building an index on a
 * large audit trail must not hold up the audit writes every request makes. A build that failed
 * half-way leaves an invalid index, which is dropped and built again.
 */
export class DashboardIndexes1765200000000 implements MigrationInterface {
  name = 'DashboardIndexes1765200000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    for (const [name, definition] of INDEXES) {
      const [left] = await q.query(`SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`, [name]);
      if (left && !left.valid) await q.query(`DROP INDEX CONCURRENTLY ${name}`);
      await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${definition}`);
    }
  }

  /** Plain DROP INDEX (a moment's lock): TypeORM reverts inside a transaction whatever `transaction` says. */
  async down(q: QueryRunner): Promise<void> {
    for (const [name] of [...INDEXES].reverse()) await q.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
