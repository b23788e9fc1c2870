import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records core (departments, file plan, case files, documents with versions and formats)
 * and the append-only, hash-chained audit trail.
 */
export class InitialSchema1764288000000 implements MigrationInterface {
  name = 'InitialSchema1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE departments (
        code varchar(16) PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE file_plan_units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(64) NOT NULL UNIQUE,
        title text NOT NULL,
        parent_code varchar(64) NULL REFERENCES file_plan_units(code),
        department_code varchar(16) NOT NULL REFERENCES departments(code),
        retention_years integer NULL CHECK (retention_years >= 0),
        retention_trigger varchar(16) NOT NULL CHECK (retention_trigger IN ('closed', 'created')),
        disposal varchar(16) NOT NULL CHECK (disposal IN ('destroy', 'archive', 'review')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE TABLE reference_counters (scope text PRIMARY KEY, value integer NOT NULL)`);
    await q.query(`
      CREATE TABLE case_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference varchar(128) NOT NULL UNIQUE,
        title text NOT NULL,
        file_plan_code varchar(64) NOT NULL REFERENCES file_plan_units(code),
        department_code varchar(16) NOT NULL REFERENCES departments(code),
        confidentiality varchar(16) NOT NULL DEFAULT 'internal'
          CHECK (confidentiality IN ('public', 'internal', 'confidential', 'secret')),
        status varchar(16) NOT NULL DEFAULT 'open',
        opened_at timestamptz NOT NULL,
        closed_at timestamptz NULL,
        retain_until timestamptz NULL,
        created_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_files_department_opened ON case_files (department_code, opened_at DESC, id)`);
    await q.query(`CREATE INDEX case_files_opened ON case_files (opened_at DESC, id)`);
    await q.query(`CREATE INDEX case_files_status ON case_files (status)`);
    await q.query(`
      CREATE TABLE documents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_file_id uuid NULL REFERENCES case_files(id),
        department_code varchar(16) NULL REFERENCES departments(code),
        title text NOT NULL,
        document_type varchar(32) NULL,
        status varchar(16) NOT NULL,
        source varchar(16) NOT NULL CHECK (source IN ('upload', 'scan')),
        batch_id uuid NULL,
        current_version integer NOT NULL DEFAULT 1,
        classification jsonb NULL,
        ocr jsonb NULL,
        error text NULL,
        text_content text NULL,
        search_vector tsvector NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX documents_case_file ON documents (case_file_id, created_at, id)`);
    await q.query(`CREATE INDEX documents_inbox ON documents (department_code, status, created_at)`);
    await q.query(`CREATE INDEX documents_batch ON documents (batch_id)`);
    await q.query(`CREATE INDEX documents_search ON documents USING gin (search_vector)`);
    await q.query(`
      CREATE TABLE document_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        document_id uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        version_no integer NOT NULL,
        comment text NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (document_id, version_no)
      )`);
    await q.query(`
      CREATE TABLE document_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version_id uuid NOT NULL REFERENCES document_versions(id) ON DELETE CASCADE,
        variant varchar(16) NOT NULL CHECK (variant IN ('original', 'searchable')),
        storage_key text NOT NULL,
        sha256 char(64) NOT NULL,
        size bigint NOT NULL,
        mime_type varchar(128) NOT NULL,
        filename text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (version_id, variant)
      )`);
    await q.query(`CREATE INDEX document_files_sha256 ON document_files (sha256)`);

    // ---- audit trail -------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE audit_events (
        seq bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        occurred_at timestamptz NOT NULL,
        actor_sub text NULL,
        actor_name text NULL,
        actor_roles text[] NOT NULL DEFAULT '{}',
        actor_departments text[] NOT NULL DEFAULT '{}',
        action varchar(64) NOT NULL,
        object_type varchar(32) NULL,
        object_id text NULL,
        case_file_id uuid NULL,
        outcome varchar(16) NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
        request_id text NULL,
        client_ip text NULL,
        reason text NULL,
        details jsonb NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_events_time ON audit_events (occurred_at, seq)`);
    await q.query(`CREATE INDEX audit_events_actor ON audit_events (actor_sub, seq)`);
    await q.query(`CREATE INDEX audit_events_object ON audit_events (object_type, object_id, seq)`);
    await q.query(`CREATE INDEX audit_events_case_file ON audit_events (case_file_id, seq)`);
    await q.query(`CREATE INDEX audit_events_action ON audit_events (action, seq)`);
    await q.query(`
      CREATE TABLE audit_chain_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash char(64) NOT NULL
      )`);
    await q.query(`INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))`);
    await q.query(`
      CREATE TABLE audit_anchors (
        id bigserial PRIMARY KEY,
        seq bigint NOT NULL,
        hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        signature text NOT NULL
      )`);
    // Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks. (A superuser can still switch
    // triggers off; the hash chain and the anchors make that detectable.)
    await q.query(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_events', 'audit_anchors']) {
      await q.query(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
    }
    // The role the apps should use in production: may append to the audit trail, never rewrite it.
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eakte_app') THEN
          CREATE ROLE eakte_app NOLOGIN;
        END IF;
      END $$`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON departments, file_plan_units, reference_counters,
      case_files, documents, document_versions, document_files TO eakte_app`);
    await q.query(`GRANT SELECT, INSERT ON audit_events, audit_anchors TO eakte_app`);
    await q.query(`GRANT SELECT, UPDATE ON audit_chain_head TO eakte_app`);
    await q.query(`GRANT USAGE ON SEQUENCE audit_anchors_id_seq TO eakte_app`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_anchors FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON audit_events, audit_anchors, audit_chain_head, departments, file_plan_units,
      reference_counters, case_files, documents, document_versions, document_files FROM eakte_app`);
    await q.query(`REVOKE ALL ON SEQUENCE audit_anchors_id_seq FROM eakte_app`);
    await q.query(`DROP TABLE audit_anchors`);
    await q.query(`DROP TABLE audit_chain_head`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_append_only()`);
    await q.query(`DROP TABLE document_files`);
    await q.query(`DROP TABLE document_versions`);
    await q.query(`DROP TABLE documents`);
    await q.query(`DROP TABLE case_files`);
    await q.query(`DROP TABLE reference_counters`);
    await q.query(`DROP TABLE file_plan_units`);
    await q.query(`DROP TABLE departments`);
  }
}
