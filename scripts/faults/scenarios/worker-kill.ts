import { sleep, until } from '../../../test/support/processes';
import { batchForm, call, countBy, letter, scanIntegrity, settled, show, verifyAudit } from '../client';
import { scanOperator } from '../load';
import { Scenario, verdict } from '../scenario';

const RECOVERY_LIMIT_S = 30;

/**
 * Scenario 1: while scans are processing on two workers, one of them is killed with SIGKILL at a
 * random moment (and a replacement started, so two stay alive), `--trials` times (default 10).
 * Recovery of a trial: seconds from the kill until the scan the killed worker held is released
 * (its lock expired, the stall detected: back in the queue, or already running elsewhere); also
 * shown, until it runs again (that adds the wait for a free worker, both being busy by design). PASS: every trial recovered within 30 s, every letter filed or in
 * an inbox exactly once (no lost, no extra document or rendition, none stuck), audit chain verifies.
 */
export const workerKill: Scenario = {
  name: 'worker-kill',
  timeoutMs: (o) => (5 + (o.trials ?? 10) * 1.5) * 60_000,
  async run(ctx) {
    const trials = ctx.options.trials ?? 10;
    const stack = await ctx.stack();
    const ingest = await stack.startApp('ingest');
    const records = await stack.startApp('records-api');
    await Promise.all([stack.startApp('worker'), stack.startApp('worker')]);
    const token = await stack.token(scanOperator);
    const queue = stack.queue('ingest');
    const batchIds: string[] = [];
    const docIds: string[] = [];
    const upload = async (n: number) => {
      const files = [];
      for (let i = 0; i < n; i++) files.push(await letter({ pages: 2, tag: `(worker-kill ${docIds.length + i + 1})` }));
      const res = await call(ingest.base, 'POST', '/api/v1/batches', { token, form: batchForm(files) });
      if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
      batchIds.push(res.body.id);
      docIds.push(...res.body.documents.map((d: { id: string }) => d.id));
    };
    await upload(6);
    const recoveries: number[] = [];
    const takeovers: number[] = [];
    const problems: string[] = [];
    let missed = 0;
    for (let t = 1; t <= trials; t++) {
      // keep a backlog, so both workers are busy when one dies
      if ((await queue.getWaitingCount()) < 3) await upload(4);
      await until('both workers busy', async () => ((await queue.getActiveCount()) >= 2 ? true : undefined), 120_000, 200);
      await sleep(500 + Math.random() * 4000);
      const active = await queue.getActive();
      const before = new Map(active.map((j) => [j.id!, j.processedOn ?? 0]));
      const workers = stack.running('worker');
      const victim = workers[Math.floor(Math.random() * workers.length)];
      await victim.kill('SIGKILL');
      const killedAt = Date.now();
      const replacement = stack.startApp('worker');
      // one scan per worker (OCR_WORKERS=1): the victim's is the job that goes back to the queue
      // (stall detected: its lock expired) and then runs again (processedOn moves past the kill)
      let released: number | undefined;
      let taken: number | undefined;
      try {
        taken = await until('the killed worker\'s scan running again', async () => {
          for (const [id, processedOn] of before) {
            const j = await queue.getJob(id);
            if (!j) continue;
            const moved = !!j.processedOn && j.processedOn > killedAt && j.processedOn !== processedOn;
            if (released === undefined && (moved || (!j.finishedOn && (await j.getState()) === 'waiting'))) released = (Date.now() - killedAt) / 1000;
            if (moved) {
              released = Math.min(released ?? Infinity, (j.processedOn! - killedAt) / 1000);
              return (j.processedOn! - killedAt) / 1000;
            }
          }
          return undefined;
        }, 120_000, 200);
      } catch {
        taken = undefined;
      }
      await replacement;
      if (taken === undefined || released === undefined) {
        // nothing of the victim's came back within 90 s: either it held no job, or recovery failed
        const stuck = await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE id = ANY($1::uuid[]) AND status = 'processing'`, [docIds]);
        missed++;
        ctx.log(`trial ${t}/${trials}: killed ${victim.label}; no scan of it ran again within 120 s (${stuck[0].n} processing)`);
        if (stuck[0].n > 0) problems.push(`trial ${t}: no scan of the killed worker ran again within 120 s (${stuck[0].n} processing)`);
      } else {
        recoveries.push(released);
        takeovers.push(taken);
        ctx.log(`trial ${t}/${trials}: killed ${victim.label} (pid ${victim.pid}); its scan back in the queue after ${released.toFixed(1)} s, running again after ${taken.toFixed(1)} s`);
        if (released > RECOVERY_LIMIT_S) problems.push(`trial ${t}: recovery took ${released.toFixed(1)} s (limit ${RECOVERY_LIMIT_S} s)`);
      }
    }
    const statuses = await settled(stack, docIds, 10 * 60_000);
    problems.push(...(await scanIntegrity(stack, batchIds, docIds.length)));
    const audit = await verifyAudit(stack, records.base);
    problems.push(...audit.problems);
    const worst = recoveries.length ? Math.max(...recoveries) : NaN;
    const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
    return verdict(
      trials,
      `${docIds.length} letters: ${show(countBy(statuses.values()))}; back in the queue after median ${median(recoveries).toFixed(1)} s, worst ${worst.toFixed(1)} s (≤ ${RECOVERY_LIMIT_S} s); running again median ${median(takeovers).toFixed(1)} s, worst ${Math.max(...takeovers).toFixed(1)} s${missed ? `, ${missed} kills hit no scan` : ''}; audit ${audit.problems.length ? 'BROKEN' : `verifies (${audit.checked} events)`}`,
      problems,
    );
  },
};
