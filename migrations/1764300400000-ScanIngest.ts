import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scanned-mail ingest (issue 4): scan batches (Posteingang), the TR-RESISCAN capture record per
 * scan, the transfer note (Transfervermerk) bound to the scan by hash, and the persisted
 * document classifier models.
 */
export class ScanIngest1764300400000 implements MigrationInterface {
  name = 'ScanIngest1764300400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scan_batches (
        id uuid PRIMARY KEY,
        created_by_sub text NOT NULL,
        created_by_name text NULL,
        scanner text NULL,
        profile text NULL,
        department_hint varchar(16) NULL REFERENCES departments(code),
        received_at timestamptz NULL,
        duplicates jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX scan_batches_creator ON scan_batches (created_by_sub, created_at DESC)`);
    await q.query(`
      CREATE TABLE capture_records (
        document_id uuid PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        batch_id uuid NOT NULL REFERENCES scan_batches(id),
        position integer NOT NULL,
        captured_by_sub text NOT NULL,
        captured_by_name text NULL,
        scanner text NULL,
        profile text NULL,
        captured_at timestamptz NOT NULL,
        page_count integer NULL,
        original_sha256 char(64) NULL,
        original_filename text NOT NULL,
        mime_type varchar(64) NULL,
        anomalies text[] NOT NULL DEFAULT '{}',
        processing_steps jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX capture_records_batch ON capture_records (batch_id, position)`);
    await q.query(`CREATE INDEX capture_records_sha256 ON capture_records (original_sha256)`);
    await q.query(`
      CREATE TABLE transfer_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        document_id uuid NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
        original_sha256 char(64) NOT NULL,
        searchable_sha256 char(64) NULL,
        transferred_by_sub text NOT NULL,
        transferred_by_name text NULL,
        transferred_at timestamptz NOT NULL,
        context text NOT NULL,
        qa_result varchar(32) NOT NULL,
        qa_details jsonb NOT NULL DEFAULT '{}',
        statement text NOT NULL,
        note_sha256 char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE classifier_models (
        name varchar(32) PRIMARY KEY,
        version integer NOT NULL,
        trained_at timestamptz NOT NULL,
        document_count integer NOT NULL,
        model jsonb NOT NULL
      )`);
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eakte_app') THEN
          GRANT SELECT, INSERT, UPDATE, DELETE ON scan_batches, capture_records, transfer_notes, classifier_models TO eakte_app;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE classifier_models`);
    await q.query(`DROP TABLE transfer_notes`);
    await q.query(`DROP TABLE capture_records`);
    await q.query(`DROP TABLE scan_batches`);
  }
}
