import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * German full-text search over documents (Volltextsuche).
 *
 * `documents.search_vector` is maintained by triggers from
 *   - the title (weight A),
 *   - the case file's Aktenzeichen and any Aktenzeichen-like token in the text (weight A): the
 *     whole reference (`32.1.2-2026/00017`) as one lexeme and its parts (`32.1.2`,
 *     `2026/00017`, `00017`, …) so that both the full string and a part find the document,
 *   - the document type (B),
 *   - the OCR/extracted text: its first ~400 characters (letterhead, Betreff) C, the rest D,
 * all with the `german` configuration (Snowball stemming: "Anträge" finds "Antrag"; umlauts and
 * ß folded by the stemmer). Texts beyond 500,000 characters are indexed up to that length
 * (a tsvector may not exceed 1 MB).
 *
 * Indexes: GIN on (department_code, search_vector) (btree_gin) so a caseworker's search
 * intersects department and words inside the index; a partial B-tree on (department_code,
 * created_at DESC) over searchable documents for frequent words, where the newest matches of a
 * department are found by walking that index instead of collecting every match.
 */
export class DocumentSearch1764500000000 implements MigrationInterface {
  name = 'DocumentSearch1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // btree_gin is a trusted contrib extension (ships with PostgreSQL 15): the database owner may create it.
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);

    // An Aktenzeichen as lexemes: the whole normalised reference and every contiguous run of its
    // parts, except a lone year (it would match every file of that year).
    await q.query(`
      CREATE FUNCTION search_reference_lexemes(reference text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        norm text := lower(regexp_replace(coalesce(reference, ''), '\\s+', '', 'g'));
        parts text[];
        seps text[];
        result text[] := ARRAY[]::text[];
        span text;
      BEGIN
        IF norm = '' THEN RETURN result; END IF;
        result := array_append(result, norm);
        parts := regexp_split_to_array(norm, '[-/_]+');
        seps := ARRAY(SELECT m[1] FROM regexp_matches(norm, '([-/_]+)', 'g') AS m);
        FOR i IN 1 .. coalesce(array_length(parts, 1), 0) LOOP
          span := parts[i];
          FOR j IN i .. array_length(parts, 1) LOOP
            IF j > i THEN span := span || coalesce(seps[j - 1], '') || parts[j]; END IF;
            IF span <> '' AND parts[i] <> '' AND parts[j] <> '' AND NOT (i = j AND span ~ '^(19|20)[0-9]{2}$') THEN
              result := array_append(result, span);
            END IF;
          END LOOP;
        END LOOP;
        RETURN ARRAY(SELECT DISTINCT x FROM unnest(result) AS x);
      END $$`);

    // Aktenzeichen-like tokens quoted in a letter ("Ihr Zeichen: 32.1.2-2026/00017", "Az. 50.1.1 - 2025 / 123").
    await q.query(`
      CREATE FUNCTION search_reference_mentions(body text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_agg(DISTINCT x), ARRAY[]::text[])
        FROM (
          SELECT unnest(search_reference_lexemes(regexp_replace(m[1], '\\s+', '', 'g'))) AS x
          FROM regexp_matches(coalesce(body, ''), '\\m([0-9]{1,4}(?:\\.[0-9]{1,4})*\\s?-\\s?(?:19|20)[0-9]{2}\\s?/\\s?[0-9]{1,6})\\M', 'g') AS m
        ) AS mentions
      $$`);

    // Reference lexemes as a weight-A vector (array_to_tsvector gives no positions, so no weights).
    await q.query(`
      CREATE FUNCTION search_reference_vector(lexemes text[]) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(string_agg('''' || replace(replace(x, '\\', '\\\\'), '''', '''''') || ''':1A', ' '), '')::tsvector
        FROM unnest(lexemes) AS x
      $$`);

    await q.query(`
      CREATE FUNCTION document_search_vector(title text, document_type text, body text, reference text) RETURNS tsvector
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        text_part text := left(coalesce(body, ''), 500000);
        -- the first ~400 characters, cut at a word boundary
        head text := CASE WHEN length(text_part) <= 400 THEN text_part
                          ELSE regexp_replace(left(text_part, 401), '\\S*$', '') END;
        tail text := substr(text_part, length(head) + 1);
        type_words text := replace(coalesce(document_type, ''), '_', ' ');
      BEGIN
        RETURN setweight(to_tsvector('german', coalesce(title, '')), 'A')
          || setweight(to_tsvector('german', coalesce(reference, '')), 'A')
          || search_reference_vector(search_reference_lexemes(reference) || search_reference_mentions(text_part))
          -- type codes spell umlauts as ae/oe/ue (kuendigung): index both spellings
          || setweight(to_tsvector('german', type_words || ' ' || replace(replace(replace(type_words, 'ae', 'ä'), 'oe', 'ö'), 'ue', 'ü')), 'B')
          || setweight(to_tsvector('german', head), 'C')
          || setweight(to_tsvector('german', tail), 'D');
      END $$`);

    await q.query(`
      CREATE FUNCTION documents_search_vector_refresh() RETURNS trigger
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
      CREATE FUNCTION case_files_search_reference_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE documents d
           SET search_vector = document_search_vector(d.title, d.document_type, d.text_content, NEW.reference)
         WHERE d.case_file_id = NEW.id;
        RETURN NULL;
      END $$`);

    // Backfill before the index exists (one pass, then one index build).
    await q.query(`DROP INDEX IF EXISTS documents_search`);
    await q.query(`
      UPDATE documents d
         SET search_vector = document_search_vector(d.title, d.document_type, d.text_content,
                                                    (SELECT c.reference FROM case_files c WHERE c.id = d.case_file_id))`);

    await q.query(`
      CREATE TRIGGER documents_search_vector
      BEFORE INSERT OR UPDATE OF title, document_type, text_content, case_file_id ON documents
      FOR EACH ROW EXECUTE FUNCTION documents_search_vector_refresh()`);
    await q.query(`
      CREATE TRIGGER case_files_search_reference
      AFTER UPDATE OF reference ON case_files
      FOR EACH ROW WHEN (OLD.reference IS DISTINCT FROM NEW.reference)
      EXECUTE FUNCTION case_files_search_reference_changed()`);

    await q.query(`CREATE INDEX documents_search_department ON documents USING gin (department_code, search_vector)`);
    await q.query(`
      CREATE INDEX documents_searchable_recent ON documents (department_code, created_at DESC)
      WHERE status IN ('filed', 'needs_review')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS documents_searchable_recent`);
    await q.query(`DROP INDEX IF EXISTS documents_search_department`);
    await q.query(`DROP TRIGGER IF EXISTS case_files_search_reference ON case_files`);
    await q.query(`DROP TRIGGER IF EXISTS documents_search_vector ON documents`);
    await q.query(`DROP FUNCTION IF EXISTS case_files_search_reference_changed()`);
    await q.query(`DROP FUNCTION IF EXISTS documents_search_vector_refresh()`);
    await q.query(`DROP FUNCTION IF EXISTS document_search_vector(text, text, text, text)`);
    await q.query(`DROP FUNCTION IF EXISTS search_reference_vector(text[])`);
    await q.query(`DROP FUNCTION IF EXISTS search_reference_mentions(text)`);
    await q.query(`DROP FUNCTION IF EXISTS search_reference_lexemes(text)`);
    await q.query(`CREATE INDEX IF NOT EXISTS documents_search ON documents USING gin (search_vector)`);
    // Keep the extension if something else came to depend on it meanwhile.
    await q.query(`
      DO $$ BEGIN
        DROP EXTENSION IF EXISTS btree_gin;
      EXCEPTION WHEN dependent_objects_still_exist THEN NULL;
      END $$`);
  }
}
