/**
 * `npm run bench:retention [-- --n 1000000 --files 1000 --docs 10 --keep]`
 *
 * On a scratch database (dropped at the end unless --keep) and a scratch filesystem object store:
 * 1. seeds N case files (generate_series; ~60 % closed over the last 15 years under 5-year,
 *    10-year and keep-forever rules, 1 % of the closed ones under legal hold) and times the due
 *    sweep (the code path of POST /api/v1/disposal/sweep and the repeatable RetentionSweepJob);
 * 2. files `--files` case files with `--docs` small documents each (objects really stored in the
 *    fs store), offers them (0501) and executes the disposal (destruction by rule: database rows,
 *    objects, audit destruction records), and times it.
 */
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AuditModule } from '@app/audit';
import { Role, RequestContext, systemContext } from '@app/common';
import { APP_CONFIG, AppConfig, loadConfig, redactUrl } from '@app/config';
import { DatabaseModule, dropDatabase, ensureDatabase, runMigrations } from '@app/database';
import { DEMO_DEPARTMENTS, DEMO_FILE_PLAN } from '@app/records';
import { DisposalService, DueSweepService, RetentionModule } from '@app/retention';
import { ObjectStorage, StorageModule } from '@app/storage';

const log = (msg: string) => process.stdout.write(`[bench:retention] ${msg}\n`);

@Global()
@Module({})
class BenchConfigModule {
  static with(config: AppConfig) {
    return { module: BenchConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

async function seedBase(c: Client): Promise<void> {
  for (const d of DEMO_DEPARTMENTS) await c.query(`INSERT INTO departments (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [d.code, d.name]);
  for (const u of DEMO_FILE_PLAN) {
    await c.query(
      `INSERT INTO file_plan_units (code, title, parent_code, department_code, retention_years, retention_trigger, disposal)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [u.code, u.title, u.parentCode ?? null, u.departmentCode, u.years, u.trigger, u.disposal],
    );
  }
  await c.query(`INSERT INTO file_plan_units (code, title, parent_code, department_code, retention_years, retention_trigger, disposal)
                 VALUES ('32.9', 'Benchmark: sofort nach zdA', '32', '32', 0, 'closed', 'destroy')`);
}

/** N case files: 40 % open, 60 % closed within the last 15 years under 5 y / 10 y / forever rules. */
async function seedCaseFiles(c: Client, n: number): Promise<void> {
  await c.query(`
    INSERT INTO case_files (reference, title, file_plan_code, department_code, status, opened_at, closed_at, retain_until, created_by)
    SELECT 'BENCH-' || g, 'Akte ' || g, u.code, u.dept,
           CASE WHEN g % 10 < 4 THEN 'open' ELSE 'closed' END,
           o.opened, CASE WHEN g % 10 < 4 THEN NULL ELSE o.opened + interval '60 days' END,
           CASE WHEN g % 10 < 4 OR u.years IS NULL THEN NULL ELSE o.opened + interval '60 days' + make_interval(years => u.years) END,
           'bench'
      FROM generate_series(1, $1::int) g
      -- opening dates spread evenly (pseudo-randomly, reproducibly) over the last 15 years
      CROSS JOIN LATERAL (SELECT now() - ((g::bigint * 7919) % 5479) * interval '1 day' AS opened) o
      CROSS JOIN LATERAL (SELECT (ARRAY['32.2.1', '20.1.1', '61.3.1'])[1 + (g % 3)] AS code,
                                 (ARRAY['32', '20', '61'])[1 + (g % 3)] AS dept,
                                 (ARRAY[5, 10, NULL]::int[])[1 + (g % 3)] AS years) u`,
    [n],
  );
  await c.query(`
    INSERT INTO legal_holds (case_file_id, reason, set_by, set_at)
    SELECT id, 'Benchmark-Löschsperre', 'bench', now() FROM case_files WHERE status = 'closed' AND random() < 0.01`);
  await c.query('ANALYZE case_files');
  await c.query('ANALYZE legal_holds');
}

async function seedDisposalSet(c: Client, storage: ObjectStorage, files: number, docs: number): Promise<string[]> {
  const ids: string[] = (
    await c.query(
      `INSERT INTO case_files (reference, title, file_plan_code, department_code, status, opened_at, closed_at, retain_until, created_by)
       SELECT 'DISP-' || g, 'Aussonderung ' || g, '32.9', '32', 'closed', now() - interval '2 days', now() - interval '1 day', now() - interval '1 day', 'bench'
         FROM generate_series(1, $1::int) g RETURNING id`,
      [files],
    )
  ).rows.map((r: { id: string }) => r.id);
  let stored = 0;
  for (const caseFileId of ids) {
    const rows: unknown[][] = [];
    for (let d = 0; d < docs; d++) {
      const bytes = Buffer.concat([Buffer.from(`%PDF-1.4\n% ${caseFileId} ${d} `), randomBytes(2048), Buffer.from('\n%%EOF\n')]);
      const o = await storage.put(Readable.from([bytes]));
      stored++;
      rows.push([`Dokument ${d}`, o.key, o.sha256, o.size]);
    }
    await c.query(
      `WITH input AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS t(title, key, sha, size)),
            docs AS (INSERT INTO documents (case_file_id, department_code, title, status, source, created_by, text_content)
                     SELECT $1, '32', title, 'filed', 'upload', 'bench', 'Volltext ' || title FROM input RETURNING id, title),
            vers AS (INSERT INTO document_versions (document_id, version_no, created_by) SELECT id, 1, 'bench' FROM docs RETURNING id, document_id)
       INSERT INTO document_files (version_id, variant, storage_key, sha256, size, mime_type, filename)
       SELECT v.id, 'original', i.key, i.sha, i.size, 'application/pdf', 'dokument.pdf'
         FROM vers v JOIN docs d ON d.id = v.document_id JOIN input i ON i.title = d.title`,
      [caseFileId, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
    );
  }
  log(`stored ${stored.toLocaleString('en')} objects for the disposal run`);
  return ids;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { n: { type: 'string', default: '1000000' }, files: { type: 'string', default: '1000' }, docs: { type: 'string', default: '10' }, keep: { type: 'boolean', default: false } },
  });
  const n = Number(values.n);
  const files = Number(values.files);
  const docs = Number(values.docs);
  const base = loadConfig();
  const url = new URL(base.database.url);
  url.pathname = `/eakte_bench_retention_${Date.now().toString(36)}`;
  const storageDir = mkdtempSync(path.join(os.tmpdir(), 'eakte-bench-retention-'));
  const config: AppConfig = {
    ...base,
    database: { ...base.database, url: url.toString(), poolSize: 4 },
    storage: { driver: 'fs', dir: storageDir },
    logLevel: 'warn',
  };
  log(`scratch database ${redactUrl(config.database.url)}, object store ${storageDir}`);
  await ensureDatabase(config.database.url);
  const c = new Client({ connectionString: config.database.url });
  try {
    await runMigrations(config.database.url);
    await c.connect();
    await seedBase(c);
    let t = Date.now();
    await seedCaseFiles(c, n);
    const [{ closed, expired, held }] = (
      await c.query(`SELECT count(*) FILTER (WHERE status = 'closed')::int AS closed,
                            count(*) FILTER (WHERE status = 'closed' AND retain_until <= now())::int AS expired,
                            (SELECT count(DISTINCT case_file_id)::int FROM legal_holds) AS held FROM case_files`)
    ).rows;
    log(`seeded ${n.toLocaleString('en')} case files in ${((Date.now() - t) / 1000).toFixed(1)} s: ${closed.toLocaleString('en')} closed, ${expired.toLocaleString('en')} of them expired, ${held.toLocaleString('en')} under legal hold`);

    @Module({ imports: [BenchConfigModule.with(config), DatabaseModule, StorageModule, AuditModule, RetentionModule] })
    class RetentionBenchModule {}
    const app = await NestFactory.createApplicationContext(RetentionBenchModule, { logger: ['error', 'warn'] });
    try {
      const sweeper = app.get(DueSweepService);
      const disposal = app.get(DisposalService);
      const storage = app.get(ObjectStorage);
      const ctx: RequestContext = systemContext('bench');
      const rm: RequestContext = { actor: { sub: 'bench.rm', name: 'Bench Records Manager', roles: [Role.RecordsManager], departments: [] }, requestId: 'bench', clientIp: null };

      const first = await sweeper.sweep(ctx);
      log(`due sweep over ${n.toLocaleString('en')} case files: marked ${first.marked.toLocaleString('en')} due in ${(first.durationMs / 1000).toFixed(2)} s (${Math.round(first.marked / (first.durationMs / 1000)).toLocaleString('en')} files/s)`);
      const second = await sweeper.sweep(ctx);
      log(`repeated sweep (nothing new due): ${second.durationMs} ms`);

      t = Date.now();
      const ids = await seedDisposalSet(c, storage, files, docs);
      log(`filed ${files.toLocaleString('en')} case files x ${docs} documents in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      const marked = await sweeper.sweep(ctx);
      t = Date.now();
      const offer = await disposal.createOffer(rm, ids);
      const offerMs = Date.now() - t;
      t = Date.now();
      const xml = await disposal.xml0501(offer, (await disposal.load(offer.id)).items);
      const xmlMs = Date.now() - t;
      t = Date.now();
      const done = await disposal.execute(rm, offer.id);
      const execMs = Date.now() - t;
      const destroyed = done.items.filter((i) => i.outcome === 'destroyed').length;
      const [{ left }] = (await c.query(`SELECT count(*)::int AS left FROM documents d JOIN case_files cf ON cf.id = d.case_file_id WHERE cf.file_plan_code = '32.9'`)).rows;
      const objectsLeft = (await Promise.all(done.items.flatMap((i) => (i.destruction?.objects ?? []).map((o) => storage.stat(o.key))))).filter(Boolean).length;
      log(`sweep marked ${marked.marked.toLocaleString('en')} more due; offer of ${ids.length.toLocaleString('en')} case files created in ${offerMs} ms; 0501 XML (${(xml.length / 1024).toFixed(0)} KiB) built in ${xmlMs} ms`);
      log(`disposal run: ${destroyed.toLocaleString('en')} case files / ${(destroyed * docs).toLocaleString('en')} documents destroyed in ${(execMs / 1000).toFixed(2)} s ` +
          `(${(execMs / destroyed).toFixed(1)} ms per case file, ${Math.round((destroyed * docs) / (execMs / 1000)).toLocaleString('en')} documents/s); documents left ${left}, objects left ${objectsLeft}`);
    } finally {
      await app.close();
    }
  } finally {
    await c.end().catch(() => undefined);
    if (!values.keep) {
      await dropDatabase(config.database.url);
      rmSync(storageDir, { recursive: true, force: true });
      log('scratch database and object store removed');
    } else log(`kept ${redactUrl(config.database.url)} and ${storageDir}`);
  }
}

main().catch((e) => {
  console.error(`bench:retention: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
});
