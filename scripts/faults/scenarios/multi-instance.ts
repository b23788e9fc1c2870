import { batchForm, call, countBy, letter, scanIntegrity, settled, show, verifyAudit } from '../client';
import { caseworker, scanOperator } from '../load';
import { scheduleRuns, SCHEDULES } from '../schedules';
import { Scenario, verdict } from '../scenario';

const CASE_FILES = 20;
const BATCH_SIZE = 10;
/** Every schedule runs every 30 s here (defaults are minutes to hours). */
const PERIOD_S = 30;

/**
 * Scenario 5: 2 records APIs, 2 ingest services and 3 workers on one database, Redis and
 * storage. 20 case files are created concurrently through both records APIs; then `--letters`
 * (default 200) letters are uploaded in batches of 10 spread over both ingest services (every
 * 5th a scanned page that needs OCR, the others born-digital PDFs with a text layer). Half the
 * letters quote one of the new case files' Aktenzeichen, half quote none. PASS when the result
 * is what one instance produces by the filing rules (each quoting letter filed into exactly its
 * case file, each other letter in an inbox: compared letter by letter), every letter is stored
 * exactly once, the Aktenzeichen are unique and gap-free (00001…00020), the audit sequence has
 * no gap and the chain verifies, and every schedule ran once per 30-s period (no period twice,
 * between window/30 − 1 and window/30 + 2 runs).
 */
export const multiInstance: Scenario = {
  name: 'multi-instance',
  timeoutMs: (o) => (10 + (o.letters ?? 200) * 0.1) * 60_000,
  async run(ctx) {
    const letters = ctx.options.letters ?? 200;
    const every = String(PERIOD_S / 60);
    const stack = await ctx.stack({
      env: {
        INGEST_SWEEP_EVERY_MINUTES: every,
        RETENTION_SWEEP_EVERY_MINUTES: every,
        FIXITY_SWEEP_EVERY_MINUTES: every,
        ORPHAN_SWEEP_EVERY_MINUTES: every,
        AUDIT_ANCHOR_CHECK_SECONDS: String(PERIOD_S),
        AUDIT_ANCHOR_MINUTES: '1',
        INGEST_MAX_FILES: String(BATCH_SIZE),
      },
    });
    const recordsApis = await Promise.all([stack.startApp('records-api'), stack.startApp('records-api')]);
    const ingests = await Promise.all([stack.startApp('ingest'), stack.startApp('ingest')]);
    const windowStart = Date.now();
    await Promise.all([stack.startApp('worker'), stack.startApp('worker'), stack.startApp('worker')]);
    const problems: string[] = [];

    // case files created concurrently through both APIs
    const cwToken = await stack.token(caseworker);
    const created = await Promise.all(
      Array.from({ length: CASE_FILES }, (_, i) =>
        call(recordsApis[i % 2].base, 'POST', '/api/v1/case-files', { token: cwToken, json: { filePlanCode: '32.1.2', title: `Gaststättenerlaubnis ${i + 1}` } }),
      ),
    );
    const failedCreates = created.filter((c) => c.status !== 201);
    if (failedCreates.length) problems.push(`case-file creation: ${show(countBy(failedCreates.map((c) => String(c.status))))}`);
    const caseFiles = created.filter((c) => c.status === 201).map((c) => ({ id: c.body.id as string, reference: c.body.reference as string }));
    const seqs = caseFiles.map((c) => Number(/\/(\d+)$/.exec(c.reference)?.[1])).sort((a, b) => a - b);
    const gapFree = seqs.length === CASE_FILES && seqs.every((s, i) => s === i + 1);
    if (!gapFree) problems.push(`Aktenzeichen not unique and gap-free: ${caseFiles.map((c) => c.reference).join(', ')}`);

    // the letters and what each must end as
    ctx.log(`generating ${letters} letters ...`);
    const expected: { caseFileId: string | null }[] = [];
    const files: Buffer[] = [];
    for (let i = 0; i < letters; i++) {
      const cf = i % 2 === 0 && caseFiles.length ? caseFiles[(i / 2) % caseFiles.length] : null;
      files.push(await letter({ reference: cf?.reference, text: i % 5 !== 0, tag: '(multi-instance)' }));
      expected.push({ caseFileId: cf?.id ?? null });
    }
    const scanToken = await stack.token(scanOperator);
    const docByLetter: string[] = [];
    const batchIds: string[] = [];
    const uploadStarted = Date.now();
    const batches = Array.from({ length: Math.ceil(letters / BATCH_SIZE) }, (_, b) => b);
    const uploadProblems: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let b = batches.shift(); b !== undefined; b = batches.shift()) {
          const slice = files.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE);
          const res = await call(ingests[b % 2].base, 'POST', '/api/v1/batches', { token: scanToken, form: batchForm(slice, `brief-${b}`), timeoutMs: 120_000 });
          if (res.status !== 202) {
            uploadProblems.push(`batch ${b + 1}: ${res.status}`);
            continue;
          }
          batchIds.push(res.body.id);
          res.body.documents.forEach((d: { id: string; status: string }, i: number) => {
            docByLetter[b * BATCH_SIZE + i] = d.id;
            if (d.status !== 'queued') uploadProblems.push(`letter ${b * BATCH_SIZE + i + 1}: ${d.status}`);
          });
        }
      }),
    );
    problems.push(...uploadProblems);
    ctx.log(`${batchIds.length} batches uploaded in ${((Date.now() - uploadStarted) / 1000).toFixed(0)} s; processing ...`);
    const ids = docByLetter.filter(Boolean);
    const statuses = await settled(stack, ids, 20 * 60_000);
    const processedIn = (Date.now() - uploadStarted) / 1000;

    // letter by letter against the single-instance rules
    const rows = await stack.query<{ id: string; status: string; case_file_id: string | null }>(`SELECT id, status, case_file_id FROM documents WHERE id = ANY($1::uuid[])`, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const mismatches: string[] = [];
    expected.forEach((e, i) => {
      const d = byId.get(docByLetter[i]);
      const want = e.caseFileId ? `filed into ${e.caseFileId}` : 'needs_review';
      const got = !d ? 'missing' : d.status === 'filed' ? `filed into ${d.case_file_id}` : d.status;
      if (want !== got) mismatches.push(`letter ${i + 1}: ${got}, expected ${want}`);
    });
    if (mismatches.length) problems.push(`${mismatches.length} letters differ from the single-instance result, e.g. ${mismatches.slice(0, 3).join('; ')}`);
    problems.push(...(await scanIntegrity(stack, batchIds, letters)));
    const audit = await verifyAudit(stack, recordsApis[1].base);
    problems.push(...audit.problems);

    // every schedule once per period
    const windowS = (Date.now() - windowStart) / 1000;
    const periods = windowS / PERIOD_S;
    const runs = await scheduleRuns(stack, windowStart);
    for (const r of runs) {
      if (r.duplicateSlots > 0) problems.push(`${r.id}: ${r.duplicateSlots} periods ran more than once`);
      if (r.runs < Math.floor(periods) - 1 || r.runs > Math.ceil(periods) + 2) problems.push(`${r.id}: ${r.runs} runs in ${windowS.toFixed(0)} s (${periods.toFixed(1)} periods of ${PERIOD_S} s)`);
      if (r.failed) problems.push(`${r.id}: ${r.failed} runs failed`);
    }
    const want = { filed: expected.filter((e) => e.caseFileId).length, needs_review: expected.filter((e) => !e.caseFileId).length };
    return verdict(
      1,
      `${letters} letters in ${processedIn.toFixed(0)} s: ${show(countBy(statuses.values()))} (one instance: ${show(want)}); Aktenzeichen ${gapFree ? `00001–${String(CASE_FILES).padStart(5, '0')} gap-free` : 'NOT gap-free'}; audit ${audit.problems.length ? 'BROKEN' : `verifies, ${audit.checked} events, no gap`}; ${SCHEDULES.length} schedules over ${periods.toFixed(1)} periods of ${PERIOD_S} s ran: ${runs.map((r) => `${r.id} ${r.runs}`).join(', ')}`,
      problems,
    );
  },
};
