import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time buckets in the search vector, so a search can look at the newest matches first.
 *
 * Every document's `search_vector` gets one extra lexeme for the month it was created in
 * (`@m:2026-10`; the text parser can never produce it from user input). The search then asks the
 * GIN index (department, words, month) for the newest months first and widens the window only
 * when too few documents match: a frequent word is answered from a month or two of one
 * department instead of from every one of its matches, and a rare word from the whole index.
 * The B-tree walk over (department_code, created_at) is dropped: it made the planner check
 * thousands of TOASTed vectors one by one.
 *
 * Also: `document_search_head(title, document_type)`, the small vector search results are ranked by
 * (title A, type B), computed on the fly instead of reading each candidate's large vector.
 */
export class SearchTimeBuckets1764700000000 implements MigrationInterface {
  name = 'SearchTimeBuckets1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION search_month_vector(created_at timestamptz) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN created_at IS NULL THEN ''::tsvector
                    ELSE ('''@m:' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') || ''':1')::tsvector END
      $$`);
    await q.query(`
      CREATE FUNCTION document_search_head(title text, document_type text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('german', coalesce(title, '')), 'A')
            || setweight(to_tsvector('german', replace(coalesce(document_type, ''), '_', ' ') || ' '
                 || replace(replace(replace(replace(coalesce(document_type, ''), '_', ' '), 'ae', 'ä'), 'oe', 'ö'), 'ue', 'ü')), 'B')
      $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION documents_search_vector_refresh() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        ref text;
      BEGIN
        IF NEW.case_file_id IS NOT NULL THEN
          SELECT reference INTO ref FROM case_files WHERE id = NEW.case_file_id;
        END IF;
        NEW.search_vector := document_search_vector(NEW.title, NEW.document_type, NEW.text_content, ref)
                          || search_month_vector(NEW.created_at);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION case_files_search_reference_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE documents d
           SET search_vector = document_search_vector(d.title, d.document_type, d.text_content, NEW.reference)
                            || search_month_vector(d.created_at)
         WHERE d.case_file_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER documents_search_vector ON documents`);
    await q.query(`
      CREATE TRIGGER documents_search_vector
      BEFORE INSERT OR UPDATE OF title, document_type, text_content, case_file_id, created_at ON documents
      FOR EACH ROW EXECUTE FUNCTION documents_search_vector_refresh()`);

    await q.query(`DROP INDEX documents_searchable_recent`);
    await q.query(`DROP INDEX documents_search_department`);
    await q.query(`UPDATE documents SET search_vector = coalesce(search_vector, ''::tsvector) || search_month_vector(created_at)`);
    await q.query(`CREATE INDEX documents_search_department ON documents USING gin (department_code, search_vector)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER documents_search_vector ON documents`);
    await q.query(`
      CREATE TRIGGER documents_search_vector
      BEFORE INSERT OR UPDATE OF title, document_type, text_content, case_file_id ON documents
      FOR EACH ROW EXECUTE FUNCTION documents_search_vector_refresh()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION documents_search_vector_refresh() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        ref text;
      BEGIN
        IF NEW.case_file_id IS NOT NULL THEN
          SELECT reference INTO ref FROM case_files WHERE id = NEW.case_file_id;
        END IF;
        NEW.search_vector := document_search_vector(NEW.title, NEW.document_type, NEW.text_content, ref);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION case_files_search_reference_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE documents d
           SET search_vector = document_search_vector(d.title, d.document_type, d.text_content, NEW.reference)
         WHERE d.case_file_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`DROP INDEX documents_search_department`);
    await q.query(`
      UPDATE documents d
         SET search_vector = document_search_vector(d.title, d.document_type, d.text_content,
                                                    (SELECT c.reference FROM case_files c WHERE c.id = d.case_file_id))`);
    await q.query(`CREATE INDEX documents_search_department ON documents USING gin (department_code, search_vector)`);
    await q.query(`
      CREATE INDEX documents_searchable_recent ON documents (department_code, created_at DESC)
      WHERE status IN ('filed', 'needs_review')`);
    await q.query(`DROP FUNCTION document_search_head(text, text)`);
    await q.query(`DROP FUNCTION search_month_vector(timestamptz)`);
  }
}
