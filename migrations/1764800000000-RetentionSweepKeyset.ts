import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The due sweep walks closed case files in (retain_until, id) order in batches (keyset): an
 * index on exactly that lets every batch start at its cursor instead of sorting all candidates.
 */
export class RetentionSweepKeyset1764800000000 implements MigrationInterface {
  name = 'RetentionSweepKeyset1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_files_retention_keyset ON case_files (retain_until, id) WHERE status = 'closed'`);
    await q.query(`DROP INDEX case_files_retention_sweep`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_files_retention_sweep ON case_files (retain_until) WHERE status = 'closed'`);
    await q.query(`DROP INDEX case_files_retention_keyset`);
  }
}
