import { MigrationInterface, QueryRunner } from 'typeorm';

const SHOWN = `department_code, status, opened_at, reference, title, file_plan_code, confidentiality, closed_at, retain_until`;
const PLACED = `department_code, status, opened_at`;

/** The UPDATE branch of case_file_counts_add(): rows whose `columns` changed count as changed. */
const updateBranch = (columns: string) => {
  const cols = (alias: string) => columns.split(', ').map((c) => `${alias}.${c}`).join(', ');
  return `
          INSERT INTO case_file_counts AS c (department_code, status, n, changes)
            SELECT department_code, status, sum(d), 1 FROM (
              SELECT o.department_code, o.status, -1 AS d
                FROM old_rows o FULL JOIN new_rows w ON w.id = o.id
               WHERE o.id IS NOT NULL AND (w.id IS NULL OR (${cols('o')}) IS DISTINCT FROM (${cols('w')}))
              UNION ALL
              SELECT w.department_code, w.status, 1
                FROM new_rows w FULL JOIN old_rows o ON o.id = w.id
               WHERE w.id IS NOT NULL AND (o.id IS NULL OR (${cols('o')}) IS DISTINCT FROM (${cols('w')}))
            ) changed GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (department_code, status) DO UPDATE SET n = c.n + EXCLUDED.n, changes = c.changes + 1;`;
};

const counter = (columns: string) => `
      CREATE OR REPLACE FUNCTION case_file_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO case_file_counts AS c (department_code, status, n, changes)
            SELECT department_code, status, count(*), 1 FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (department_code, status) DO UPDATE SET n = c.n + EXCLUDED.n, changes = c.changes + 1;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO case_file_counts AS c (department_code, status, n, changes)
            SELECT department_code, status, -count(*), 1 FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (department_code, status) DO UPDATE SET n = c.n + EXCLUDED.n, changes = c.changes + 1;
        ELSE${updateBranch(columns)}
        END IF;
        RETURN NULL;
      END $$`;

/**
 * A department's `changes` also move when a case file's shown metadata changes (reference, title,
 * file-plan unit, confidentiality, closing and retention dates), not only its place in the list:
 * then an unchanged sum proves a whole page of the list unchanged, and the API may reuse it.
 */
export class CaseFileListVersion1764910000000 implements MigrationInterface {
  name = 'CaseFileListVersion1764910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(counter(SHOWN));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(counter(PLACED));
  }
}
