import { sleep, until } from '../../../test/support/processes';
import { batchForm, call, countBy, letter, scanIntegrity, settled, show } from '../client';
import { fixture, uploadDocument } from '../load';
import { Scenario, verdict } from '../scenario';

/** How quickly a request must be refused while storage is down. */
const REFUSAL_LIMIT_MS = 10_000;

/**
 * Scenario 4: the S3 storage (a private s3rver) stops answering; uploads to the records API and
 * to ingest, and a document download, are tried during the outage (`--trials` rounds, default 3).
 * PASS: each is answered 503 with Retry-After within 10 s (the product's rule for a lost
 * dependency), no document or batch row is left without its object, and after storage returns
 * uploads are accepted again, the scans end filed/inbox and storage and rows agree.
 */
export const storageOutage: Scenario = {
  name: 'storage-outage',
  timeoutMs: (o) => (5 + (o.trials ?? 3)) * 60_000,
  async run(ctx) {
    const trials = ctx.options.trials ?? 3;
    const stack = await ctx.stack({ storage: 's3' });
    const records = await stack.startApp('records-api');
    const ingest = await stack.startApp('ingest');
    await stack.startApp('worker');
    const f = await fixture(stack, records);
    const problems: string[] = [];
    const answers: string[] = [];
    const batchIds: string[] = [];
    const counts = async () => (await stack.query<{ b: number; d: number; f: number }>(`SELECT (SELECT count(*)::int FROM scan_batches) AS b, (SELECT count(*)::int FROM documents) AS d, (SELECT count(*)::int FROM document_files) AS f`))[0];
    for (let t = 1; t <= trials; t++) {
      await stack.s3!.halt();
      const before = await counts();
      const tries = {
        upload: await uploadDocument(records, f.caseworkerToken, f.caseFileId, await letter({ text: true, tag: `(storage ${t})` })),
        batch: await call(ingest.base, 'POST', '/api/v1/batches', { token: f.scanToken, form: batchForm([await letter({ text: true, tag: `(storage batch ${t})` })]) }),
        download: await call(records.base, 'GET', `/api/v1/documents/${f.documentId}/content`, { token: f.caseworkerToken }),
      };
      const after = await counts();
      for (const [op, r] of Object.entries(tries)) {
        answers.push(`${op} ${r.status}${r.headers.get('retry-after') ? ` (Retry-After ${r.headers.get('retry-after')})` : ''}`);
        if (r.status !== 503 || !r.headers.get('retry-after') || r.ms > REFUSAL_LIMIT_MS) {
          problems.push(`trial ${t}: ${op} during the outage answered ${r.status} in ${r.ms.toFixed(0)} ms, Retry-After ${r.headers.get('retry-after') ?? '-'}: ${JSON.stringify(r.body).slice(0, 160)}`);
        }
      }
      if (after.b !== before.b || after.d !== before.d || after.f !== before.f) problems.push(`trial ${t}: rows stored during the outage: batches ${before.b}→${after.b}, documents ${before.d}→${after.d}, files ${before.f}→${after.f}`);
      await sleep(1000);
      await stack.s3!.resume();
      // recovers: the same requests succeed once storage is back
      const back = Date.now();
      let recovered = NaN;
      try {
        recovered = await until('uploads accepted again', async () => {
          const r = await uploadDocument(records, f.caseworkerToken, f.caseFileId, await letter({ text: true, tag: `(storage after ${t})` }));
          return r.status === 201 ? (Date.now() - back) / 1000 : undefined;
        }, 60_000, 1000);
      } catch {
        problems.push(`trial ${t}: uploads not accepted 60 s after storage returned`);
      }
      const batch = await call(ingest.base, 'POST', '/api/v1/batches', { token: f.scanToken, form: batchForm([await letter({ tag: `(storage scan ${t})` })]) });
      if (batch.status === 202) batchIds.push(batch.body.id);
      else problems.push(`trial ${t}: POST /batches after storage returned answered ${batch.status}`);
      const download = await call(records.base, 'GET', `/api/v1/documents/${f.documentId}/content`, { token: f.caseworkerToken });
      if (download.status !== 200) problems.push(`trial ${t}: download after storage returned answered ${download.status}`);
      ctx.log(`trial ${t}/${trials}: during the outage ${answers.slice(-3).join(', ')}; uploads accepted again after ${recovered.toFixed(1)} s`);
    }
    const scanIds = (await stack.query<{ id: string }>(`SELECT id FROM documents WHERE batch_id = ANY($1::uuid[])`, [batchIds])).map((r) => r.id);
    const statuses = await settled(stack, scanIds, 5 * 60_000);
    problems.push(...(await scanIntegrity(stack, batchIds, batchIds.length)));
    const storage = await stack.storageConsistency();
    if (storage.orphans.length) problems.push(`${storage.orphans.length} stored objects without a row, e.g. ${storage.orphans[0]}`);
    if (storage.missing.length) problems.push(`${storage.missing.length} file rows without their object, e.g. ${storage.missing[0]}`);
    return verdict(trials, `during the outage: ${show(countBy(answers))}; afterwards ${scanIds.length} scans ${show(countBy(statuses.values()))}; ${storage.orphans.length} orphans, ${storage.missing.length} rows without object`, problems);
  },
};
