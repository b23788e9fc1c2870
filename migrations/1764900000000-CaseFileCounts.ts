import { MigrationInterface, QueryRunner } from 'typeorm';

/** What the list shows of a case file: a change to any of it moves its department's `changes`. */
const SHOWN = `department_code, status, opened_at, reference, title, file_plan_code, confidentiality, closed_at, retain_until`;

const shown = (alias: string) => SHOWN.split(', ').map((c) => `${alias}.${c}`).join(', ');

/** Adds inserted and removes deleted rows; on UPDATE, rows whose SHOWN columns changed count as removed and added. */
const COUNTER = `
      CREATE FUNCTION case_file_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO case_file_counts AS c (department_code, status, n, changes)
            SELECT department_code, status, count(*), 1 FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (department_code, status) DO UPDATE SET n = c.n + EXCLUDED.n, changes = c.changes + 1;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO case_file_counts AS c (department_code, status, n, changes)
            SELECT department_code, status, -count(*), 1 FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (department_code, status) DO UPDATE SET n = c.n + EXCLUDED.n, changes = c.changes + 1;
        ELSE
          INSERT INTO case_file_counts AS c (department_code, status, n, changes)
            SELECT department_code, status, sum(d), 1 FROM (
              SELECT o.department_code, o.status, -1 AS d
                FROM old_rows o FULL JOIN new_rows w ON w.id = o.id
               WHERE o.id IS NOT NULL AND (w.id IS NULL OR (${shown('o')}) IS DISTINCT FROM (${shown('w')}))
              UNION ALL
              SELECT w.department_code, w.status, 1
                FROM new_rows w FULL JOIN old_rows o ON o.id = w.id
               WHERE w.id IS NOT NULL AND (o.id IS NULL OR (${shown('o')}) IS DISTINCT FROM (${shown('w')}))
            ) changed GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (department_code, status) DO UPDATE SET n = c.n + EXCLUDED.n, changes = c.changes + 1;
        END IF;
        RETURN NULL;
      END $$`;

/**
 * Case files per (department, status), kept by statement triggers in the same transaction as the
 * change: the list's `total` without counting a department's rows on every page. `changes` only
 * ever grows, and moves whenever a case file is added, removed or changed in anything the list
 * shows (SHOWN), so an unchanged sum over a department's rows proves a page of its list unchanged
 * (the list's page cache checks it).
 * Bulk loads that switch triggers off (session_replication_role = replica) call
 * `case_file_counts_refresh()` afterwards.
 */
export class CaseFileCounts1764900000000 implements MigrationInterface {
  name = 'CaseFileCounts1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_file_counts (
        department_code varchar(16) NOT NULL,
        status varchar(16) NOT NULL,
        n bigint NOT NULL,
        changes bigint NOT NULL,
        PRIMARY KEY (department_code, status)
      )`);
    // rows are never deleted (a group that empties keeps n = 0), so `changes` never goes back
    await q.query(COUNTER);
    await q.query(`CREATE TRIGGER case_file_counts_insert AFTER INSERT ON case_files REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_file_counts_add()`);
    await q.query(`CREATE TRIGGER case_file_counts_delete AFTER DELETE ON case_files REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_file_counts_add()`);
    await q.query(
      `CREATE TRIGGER case_file_counts_update AFTER UPDATE ON case_files REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_file_counts_add()`,
    );
    await q.query(`
      CREATE FUNCTION case_file_counts_refresh() RETURNS void LANGUAGE sql AS $$
        LOCK TABLE case_files IN SHARE MODE;
        UPDATE case_file_counts SET n = 0, changes = changes + 1;
        INSERT INTO case_file_counts AS c (department_code, status, n, changes)
          SELECT department_code, status, count(*), 1 FROM case_files GROUP BY 1, 2 ORDER BY 1, 2
          ON CONFLICT (department_code, status) DO UPDATE SET n = EXCLUDED.n, changes = c.changes + 1;
      $$`);
    await q.query(`
      CREATE FUNCTION case_file_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE case_file_counts SET n = 0, changes = changes + 1;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER case_file_counts_truncate AFTER TRUNCATE ON case_files FOR EACH STATEMENT EXECUTE FUNCTION case_file_counts_truncated()`);
    await q.query(`SELECT case_file_counts_refresh()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER case_file_counts_truncate ON case_files`);
    await q.query(`DROP TRIGGER case_file_counts_update ON case_files`);
    await q.query(`DROP TRIGGER case_file_counts_delete ON case_files`);
    await q.query(`DROP TRIGGER case_file_counts_insert ON case_files`);
    await q.query(`DROP FUNCTION case_file_counts_truncated()`);
    await q.query(`DROP FUNCTION case_file_counts_refresh()`);
    await q.query(`DROP FUNCTION case_file_counts_add()`);
    await q.query(`DROP TABLE case_file_counts`);
  }
}
