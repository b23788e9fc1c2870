import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Vorgänge (processes): the optional level below a case file. Each has its Vorgangszeichen
 * (`reference`: the case file's Aktenzeichen plus a running number per case file, counted in
 * reference_counters under the scope `vorgang:<case file id>` inside the creating transaction, so
 * numbers have neither duplicates nor gaps). A document belongs to a case file and optionally to one
 * of its Vorgänge: the composite foreign key (vorgang_id, case_file_id) makes a Vorgang of another
 * case file impossible, and a document without a case file cannot name a Vorgang.
 */
export class Vorgaenge1765300000000 implements MigrationInterface {
  name = 'Vorgaenge1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE vorgaenge (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_file_id uuid NOT NULL REFERENCES case_files(id),
        number integer NOT NULL CHECK (number > 0),
        reference varchar(160) NOT NULL UNIQUE,
        title text NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        opened_at timestamptz NOT NULL,
        closed_at timestamptz NULL,
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (case_file_id, number),
        UNIQUE (id, case_file_id)
      )`);
    await q.query(`ALTER TABLE documents ADD COLUMN vorgang_id uuid NULL`);
    await q.query(`ALTER TABLE documents ADD CONSTRAINT documents_vorgang_fk FOREIGN KEY (vorgang_id, case_file_id) REFERENCES vorgaenge (id, case_file_id)`);
    await q.query(`ALTER TABLE documents ADD CONSTRAINT documents_vorgang_needs_case_file CHECK (vorgang_id IS NULL OR case_file_id IS NOT NULL)`);
    await q.query(`CREATE INDEX documents_vorgang ON documents (vorgang_id) WHERE vorgang_id IS NOT NULL`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON vorgaenge TO eakte_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON vorgaenge FROM eakte_app`);
    await q.query(`DROP INDEX documents_vorgang`);
    await q.query(`ALTER TABLE documents DROP CONSTRAINT documents_vorgang_needs_case_file`);
    await q.query(`ALTER TABLE documents DROP CONSTRAINT documents_vorgang_fk`);
    await q.query(`ALTER TABLE documents DROP COLUMN vorgang_id`);
    await q.query(`DELETE FROM reference_counters WHERE scope LIKE 'vorgang:%'`);
    await q.query(`DROP TABLE vorgaenge`);
  }
}
