import { sleep, until } from '../../../test/support/processes';
import { countBy, scanIntegrity, settled, show, verifyAudit } from '../client';
import { fixture, mixedLoad, operate, unacceptable } from '../load';
import { Scenario, verdict } from '../scenario';

/**
 * Scenario 3: 8 clients read (case file, document, list, search) and upload (records API
 * documents, ingest batches) while the private PostgreSQL cluster is restarted with
 * `pg_ctl restart -m fast`, `--trials` times (default 3). PASS: every answer is 2xx or 503 with
 * Retry-After (never 500, never a dropped connection), the apps answer again afterwards, every
 * accepted upload is stored with its object, every accepted scan ends filed/inbox exactly once,
 * no row is without its object and, once the orphan sweep has run (grace 1 min here), no stored
 * object is without a row; audit chain verifies.
 */
const ORPHAN_GRACE_MINUTES = 1;

export const postgresRestart: Scenario = {
  name: 'postgres-restart',
  timeoutMs: (o) => (6 + (o.trials ?? 3)) * 60_000,
  async run(ctx) {
    const trials = ctx.options.trials ?? 3;
    // a refused upload whose clean-up could not ask the database leaves its object to the orphan
    // sweep: it runs every 15 s here and removes what stayed unreferenced for a minute
    const stack = await ctx.stack({ env: { ORPHAN_SWEEP_EVERY_MINUTES: '0.25', ORPHAN_GRACE_MINUTES: String(ORPHAN_GRACE_MINUTES) } });
    const records = await stack.startApp('records-api');
    const ingest = await stack.startApp('ingest');
    await stack.startApp('worker');
    const f = await fixture(stack, records);
    const accepted = { documents: [] as string[], batches: [] as string[] };
    const load = mixedLoad(
      8,
      [['case-file', 3], ['document', 2], ['list', 2], ['search', 2], ['upload', 2], ['batch', 1]],
      (op) => operate(op, f, records, ingest, accepted),
    );
    const restarts: number[] = [];
    try {
      await sleep(3000);
      for (let t = 1; t <= trials; t++) {
        const t0 = Date.now();
        await stack.pg.restart('fast');
        restarts.push((Date.now() - t0) / 1000);
        ctx.log(`restart ${t}/${trials}: PostgreSQL back after ${restarts[t - 1].toFixed(1)} s`);
        await sleep(5000);
      }
      await sleep(3000);
    } finally {
      await load.stop();
    }
    const problems: string[] = [];
    const bad = unacceptable(load.outcomes);
    if (Object.keys(bad).length) problems.push(`answers other than 2xx or 503 with Retry-After: ${show(bad)}`);
    // afterwards every operation works again
    const after = [];
    for (const op of ['case-file', 'document', 'list', 'search', 'upload', 'batch'] as const) after.push(await operate(op, f, records, ingest, accepted));
    const broken = after.filter((o) => o.status < 200 || o.status >= 300);
    if (broken.length) problems.push(`after the restarts: ${broken.map((o) => `${o.op} ${o.status}`).join(', ')}`);
    // the documents and scans accepted during the restarts are all there
    const docs = await stack.query<{ id: string; files: number }>(
      `SELECT d.id, (SELECT count(*)::int FROM document_versions v JOIN document_files x ON x.version_id = v.id WHERE v.document_id = d.id AND x.variant = 'original') AS files FROM documents d WHERE d.id = ANY($1::uuid[])`,
      [accepted.documents],
    );
    if (docs.length !== accepted.documents.length || docs.some((d) => d.files !== 1)) problems.push(`${accepted.documents.length} uploads answered 201, ${docs.length} stored, ${docs.filter((d) => d.files !== 1).length} without their original`);
    const scanIds = (await stack.query<{ id: string }>(`SELECT id FROM documents WHERE batch_id = ANY($1::uuid[])`, [accepted.batches])).map((r) => r.id);
    const statuses = await settled(stack, scanIds, 5 * 60_000);
    problems.push(...(await scanIntegrity(stack, accepted.batches, accepted.batches.length)));
    await until('the records API ready', async () => ((await fetch(`${records.base}/health/ready`)).ok ? true : undefined), 30_000).catch(() => problems.push('records API not ready 30 s after the last restart'));
    const left = (await stack.storageConsistency()).orphans.length;
    const sweepStarted = Date.now();
    let storage = await stack.storageConsistency();
    while (storage.orphans.length && Date.now() - sweepStarted < (ORPHAN_GRACE_MINUTES + 1.5) * 60_000) {
      await sleep(5000);
      storage = await stack.storageConsistency();
    }
    const swept = left ? `${left} left by refused uploads, ${left - storage.orphans.length} removed by the orphan sweep within ${((Date.now() - sweepStarted) / 1000).toFixed(0)} s` : 'none left';
    if (storage.orphans.length) problems.push(`${storage.orphans.length} stored objects without a row after the orphan sweep, e.g. ${storage.orphans[0]}`);
    if (storage.missing.length) problems.push(`${storage.missing.length} file rows without their object, e.g. ${storage.missing[0]}`);
    const audit = await verifyAudit(stack, records.base);
    problems.push(...audit.problems);
    const by = countBy(load.outcomes.map((o) => (o.status >= 200 && o.status < 300 ? '2xx' : String(o.status))));
    return verdict(
      trials,
      `${load.outcomes.length} requests: ${show(by)}; restart ${Math.max(...restarts).toFixed(1)} s at most; ${accepted.documents.length} uploads + ${scanIds.length} scans accepted (${show(countBy(statuses.values()))}); ${storage.objects} objects; orphans: ${swept}, ${storage.orphans.length} remain; ${storage.missing.length} rows without object; ${broken.length ? 'NOT all answering after' : 'all answering after'}; audit ${audit.problems.length ? 'BROKEN' : 'verifies'}`,
      problems,
    );
  },
};
