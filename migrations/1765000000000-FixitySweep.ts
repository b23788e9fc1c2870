import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fixity sweep (BSI TR-ESOR integrity check): the stored files (originals and renditions) are
 * re-hashed in slices walking `document_files` by id. `fixity_sweep_state` (one row) remembers
 * where the last slice ended, so the sweep resumes there after a restart or a lost Redis;
 * `fixity_findings` keeps one row per file whose object is missing or does not hash to the
 * SHA-256 taken at capture, so each problem is audited once, not on every sweep. The cursor moves
 * only when a slice has been checked and recorded; `lease_until` keeps two workers from checking
 * the same slice at once and lets a crashed slice be taken again after it expires.
 */
export class FixitySweep1765000000000 implements MigrationInterface {
  name = 'FixitySweep1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE fixity_sweep_state (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        cursor_file_id uuid NULL,
        round integer NOT NULL DEFAULT 1,
        round_started_at timestamptz NOT NULL DEFAULT now(),
        last_round_completed_at timestamptz NULL,
        files_checked bigint NOT NULL DEFAULT 0,
        lease_until timestamptz NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO fixity_sweep_state (id) VALUES (true)`);
    await q.query(`
      CREATE TABLE fixity_findings (
        file_id uuid PRIMARY KEY REFERENCES document_files(id) ON DELETE CASCADE,
        kind varchar(16) NOT NULL CHECK (kind IN ('mismatch', 'missing')),
        expected_sha256 char(64) NOT NULL,
        found_sha256 char(64) NULL,
        found_size bigint NULL,
        detected_at timestamptz NOT NULL DEFAULT now(),
        last_checked_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX fixity_findings_open ON fixity_findings (kind) WHERE resolved_at IS NULL`);
    await q.query(`GRANT SELECT, UPDATE ON fixity_sweep_state TO eakte_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON fixity_findings TO eakte_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON fixity_findings, fixity_sweep_state FROM eakte_app`);
    await q.query(`DROP TABLE fixity_findings`);
    await q.query(`DROP TABLE fixity_sweep_state`);
  }
}
