import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention and disposal (Aussonderung): legal holds (Löschsperren), disposal offers with their
 * case-file items (what was offered, appraised, destroyed or handed over), and the sweep index.
 */
export class RetentionDisposal1764650000000 implements MigrationInterface {
  name = 'RetentionDisposal1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_holds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- order of setting (set_at comes from the service clock and may tie)
        position bigint GENERATED ALWAYS AS IDENTITY,
        case_file_id uuid NOT NULL REFERENCES case_files(id),
        reason text NOT NULL,
        reference text NULL,
        set_by text NOT NULL,
        set_at timestamptz NOT NULL,
        lifted_by text NULL,
        lifted_at timestamptz NULL,
        lift_reason text NULL
      )`);
    await q.query(`CREATE INDEX legal_holds_case_file ON legal_holds (case_file_id, position)`);
    await q.query(`CREATE INDEX legal_holds_active ON legal_holds (case_file_id) WHERE lifted_at IS NULL`);
    await q.query(`
      CREATE TABLE disposal_offers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        process_id uuid NOT NULL UNIQUE,
        status varchar(32) NOT NULL
          CHECK (status IN ('offered', 'appraised', 'awaiting_confirmation', 'completed')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        appraised_at timestamptz NULL,
        executed_at timestamptz NULL,
        executed_by text NULL,
        confirmed_at timestamptz NULL,
        confirmed_by text NULL
      )`);
    // Items keep the case file's identifying metadata (Aktenzeichen, title, rule) after destruction:
    // that is the destruction record; no document content or document metadata is kept here.
    await q.query(`
      CREATE TABLE disposal_offer_items (
        offer_id uuid NOT NULL REFERENCES disposal_offers(id),
        case_file_id uuid NOT NULL,
        reference varchar(128) NOT NULL,
        title text NOT NULL,
        file_plan_code varchar(64) NOT NULL,
        department_code varchar(16) NOT NULL,
        confidentiality varchar(16) NOT NULL,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz NULL,
        retain_until timestamptz NULL,
        retention_years integer NULL,
        retention_trigger varchar(16) NOT NULL,
        disposal varchar(16) NOT NULL,
        decision char(1) NULL CHECK (decision IN ('A', 'V')),
        outcome varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (outcome IN ('pending', 'held', 'not_expired', 'destroyed', 'handed_over', 'archived', 'returned')),
        outcome_at timestamptz NULL,
        outcome_by text NULL,
        archive_id text NULL,
        destruction jsonb NULL,
        PRIMARY KEY (offer_id, case_file_id)
      )`);
    await q.query(`CREATE INDEX disposal_offer_items_case_file ON disposal_offer_items (case_file_id)`);
    // the due sweep reads closed files by retention end
    await q.query(`CREATE INDEX case_files_retention_sweep ON case_files (retain_until) WHERE status = 'closed'`);
    await q.query(`ALTER TABLE case_files ADD COLUMN object_lock_until timestamptz NULL`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON legal_holds, disposal_offers, disposal_offer_items TO eakte_app`);
    await q.query(`GRANT USAGE ON SEQUENCE legal_holds_position_seq TO eakte_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON SEQUENCE legal_holds_position_seq FROM eakte_app`);
    await q.query(`REVOKE ALL ON legal_holds, disposal_offers, disposal_offer_items FROM eakte_app`);
    await q.query(`ALTER TABLE case_files DROP COLUMN object_lock_until`);
    await q.query(`DROP INDEX case_files_retention_sweep`);
    await q.query(`DROP TABLE disposal_offer_items`);
    await q.query(`DROP TABLE disposal_offers`);
    await q.query(`DROP TABLE legal_holds`);
  }
}
