import { DataSource } from 'typeorm';
import { CaseFile, toCaseFileResponse } from '@app/records';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp, users } from './support/app';
import { freshDatabase } from './support/database';

/**
 * The case-file list against a plain OFFSET query over the same rows: every page and the total,
 * deep pages (beyond the remembered keys of the page cache), ties in opened_at, and again after
 * changes that add, move, re-date, re-title and remove rows (pages are remembered between reads). A database of its own: the pages must be exact.
 */
describe('case-file list pages (e2e)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let t: TestApp;
  let ds: DataSource;
  let anna: string;
  let rita: string;

  beforeAll(async () => {
    db = await freshDatabase('case_file_list');
    t = await startApp(RecordsApiModule, { env: { DATABASE_URL: db.url } });
    ds = t.app.get(DataSource);
    anna = await t.token(users.caseworker32);
    rita = await t.token(users.recordsManager);
    // 650 case files of department 32 (every third shares its opened_at with the next: ties are
    // ordered by id), 120 of department 50, some closed
    await ds.query(
      `INSERT INTO case_files (reference, title, file_plan_code, department_code, status, opened_at, created_by)
       SELECT 'L-' || g, 'Liste ' || g, CASE WHEN g <= 650 THEN '32.1.2' ELSE '50.1' END, CASE WHEN g <= 650 THEN '32' ELSE '50' END,
              CASE WHEN g % 7 = 0 THEN 'closed' ELSE 'open' END, timestamptz '2026-06-01 12:00:00.123456+00' - make_interval(secs => (g / 3) * 61.000001), 'test'
         FROM generate_series(1, 770) g`,
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  /** The page as the entities map it (toCaseFileResponse), by plain OFFSET. */
  async function expected(where: string, params: unknown[], pageSize: number, page: number) {
    const rows = await ds
      .getRepository(CaseFile)
      .createQueryBuilder('c')
      .where(where.replace(/^WHERE /, '').replace(/\$(\d)/g, ':p$1') || 'true', Object.fromEntries(params.map((p, i) => [`p${i + 1}`, p])))
      .orderBy('c.opened_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getMany();
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM case_files ${where}`, params);
    return { items: rows.map(toCaseFileResponse), total: n };
  }

  async function comparePages(token: string, query: string, where: string, params: unknown[], pageSize: number) {
    const { total } = await expected(where, params, pageSize, 1);
    const pages = Math.ceil(total / pageSize) + 1; // and one page beyond the end
    for (let page = 1; page <= pages; page++) {
      const res = await t.http().get(`/api/v1/case-files?${query}${query ? '&' : ''}page=${page}&pageSize=${pageSize}`).set('Authorization', `Bearer ${token}`).expect(200);
      const want = await expected(where, params, pageSize, page);
      expect({ page, total: res.body.total, items: res.body.items }).toEqual({ page, total: want.total, items: want.items });
    }
  }

  it('serves every page of a department, all departments and filtered lists as OFFSET would', async () => {
    await comparePages(anna, '', `WHERE department_code = $1`, ['32'], 50);
    await comparePages(anna, 'departmentCode=32', `WHERE department_code = $1`, ['32'], 37);
    await comparePages(rita, '', '', [], 200);
    await comparePages(rita, 'status=closed', `WHERE status = $1`, ['closed'], 20);
    await comparePages(rita, 'departmentCode=50&status=open', `WHERE department_code = $1 AND status = $2`, ['50', 'open'], 30);
    const one = await t.http().get('/api/v1/case-files?reference=L-17').set('Authorization', `Bearer ${anna}`).expect(200);
    expect(one.body).toMatchObject({ total: 1, page: 1, pageSize: 50, items: [{ reference: 'L-17' }] });
  }, 120_000);

  it('stays exact after case files are added, closed, re-dated, moved and removed', async () => {
    await comparePages(anna, '', `WHERE department_code = $1`, ['32'], 50); // remembers the department's keys
    const created = await t.http().post('/api/v1/case-files').set('Authorization', `Bearer ${anna}`).send({ filePlanCode: '32.1.2', title: 'Neu' }).expect(201);
    const top = await t.http().get('/api/v1/case-files?pageSize=1').set('Authorization', `Bearer ${anna}`).expect(200);
    expect(top.body.items[0]).toEqual(created.body); // the same fields and values as the create response
    await comparePages(anna, '', `WHERE department_code = $1`, ['32'], 50);

    const [{ id: closeMe }] = await ds.query(`SELECT id FROM case_files WHERE department_code = '32' AND status = 'open' ORDER BY opened_at DESC, id OFFSET 300 LIMIT 1`);
    await t.http().post(`/api/v1/case-files/${closeMe}/close`).set('Authorization', `Bearer ${anna}`).expect(200);
    await comparePages(rita, 'status=closed', `WHERE status = $1`, ['closed'], 20);

    await ds.query(`UPDATE case_files SET opened_at = opened_at - interval '3 days' WHERE reference IN ('L-250', 'L-251', 'L-600')`);
    await comparePages(anna, '', `WHERE department_code = $1`, ['32'], 50);
    await ds.query(`UPDATE case_files SET department_code = '50', file_plan_code = '50.1' WHERE reference IN ('L-400', 'L-401')`);
    await comparePages(anna, '', `WHERE department_code = $1`, ['32'], 50);
    await comparePages(rita, 'departmentCode=50', `WHERE department_code = $1`, ['50'], 25);
    // shown metadata of a remembered page changes: the page is read again
    await ds.query(`UPDATE case_files SET title = 'Neuer Titel', confidentiality = 'confidential' WHERE reference = 'L-300'`);
    await ds.query(`UPDATE case_files SET retain_until = now() + interval '10 years', closed_at = now() WHERE reference = 'L-303'`);
    await ds.query(`UPDATE case_files SET reference = 'L-306-neu' WHERE reference = 'L-306'`);
    await comparePages(anna, '', `WHERE department_code = $1`, ['32'], 50);
    await ds.query(`DELETE FROM case_files WHERE reference IN ('L-5', 'L-500', 'L-640')`);
    await comparePages(anna, '', `WHERE department_code = $1`, ['32'], 50);
    await comparePages(rita, '', '', [], 100);
    // a bulk load with triggers off is followed by a refresh
    await ds.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(`INSERT INTO case_files (reference, title, file_plan_code, department_code, opened_at, created_by)
                     SELECT 'B-' || g, 'Bulk', '32.1.2', '32', now() - make_interval(days => g), 'test' FROM generate_series(1, 30) g`);
    });
    await ds.query('SELECT case_file_counts_refresh()');
    await comparePages(anna, '', `WHERE department_code = $1`, ['32'], 50);
    const [{ n, counted }] = await ds.query(
      `SELECT (SELECT count(*)::int FROM case_files) AS n, (SELECT sum(n)::int FROM case_file_counts) AS counted`,
    );
    expect(counted).toBe(n);
  }, 120_000);
});
