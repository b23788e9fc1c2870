import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finding a case file by typing part of its Aktenzeichen or title (the inbox's case-file picker
 * and the list's text filter): every typed term must occur in the reference or the title,
 * case-insensitively. A trigram GIN index on exactly that text lets `LIKE '%term%'` use an index
 * for terms of three or more characters (pg_trgm is a trusted extension: the database owner may
 * create it). The extension stays on down(): other objects may use it by then.
 */
export class CaseFileTextSearch1765100000000 implements MigrationInterface {
  name = 'CaseFileTextSearch1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX case_files_text_trgm ON case_files USING gin ((lower(reference || ' ' || title)) gin_trgm_ops)`);
    // the file plan unit filter (a unit and the units below it)
    await q.query(`CREATE INDEX case_files_file_plan ON case_files (file_plan_code text_pattern_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_files_file_plan`);
    await q.query(`DROP INDEX case_files_text_trgm`);
  }
}
