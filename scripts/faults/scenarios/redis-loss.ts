import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { sleep, until } from '../../../test/support/processes';
import { batchForm, call, countBy, letter, scanIntegrity, settled, show, verifyAudit } from '../client';
import { missingSchedules } from '../schedules';
import { scanOperator } from '../load';
import { Scenario, verdict } from '../scenario';

/** How quickly POST /batches must refuse while Redis is down (QUEUE_TIMEOUT_MS is 2 s). */
const REFUSAL_LIMIT_MS = 5000;

/**
 * Scenario 2: a batch is being processed when the private redis-server is killed (it keeps
 * nothing on disk) and, after an outage, started again empty. During the outage POST /batches
 * must answer 503 with Retry-After within 5 s and store nothing (no batch, no document, no
 * object); afterwards every accepted letter ends filed or in an inbox, the schedules exist again
 * and a new batch is accepted and processed. `--trials` outages (default 1).
 */
export const redisLoss: Scenario = {
  name: 'redis-loss',
  timeoutMs: (o) => (4 + (o.trials ?? 1) * 6) * 60_000,
  async run(ctx) {
    const trials = ctx.options.trials ?? 1;
    const stack = await ctx.stack();
    const ingest = await stack.startApp('ingest');
    const records = await stack.startApp('records-api');
    await stack.startApp('worker');
    await stack.startApp('worker');
    const token = await stack.token(scanOperator);
    const problems: string[] = [];
    const batchIds: string[] = [];
    const docIds: string[] = [];
    const upload = async (files: Buffer[]) => {
      const res = await call(ingest.base, 'POST', '/api/v1/batches', { token, form: batchForm(files) });
      if (res.status === 202) {
        batchIds.push(res.body.id);
        docIds.push(...res.body.documents.map((d: { id: string }) => d.id));
      }
      return res;
    };
    const figures: string[] = [];
    for (let t = 1; t <= trials; t++) {
      const files = [];
      for (let i = 0; i < 6; i++) files.push(await letter({ tag: `(redis-loss ${t}.${i + 1})` }));
      const accepted = await upload(files);
      if (accepted.status !== 202) throw new Error(`upload before the outage answered ${accepted.status}`);
      const ids: string[] = accepted.body.documents.map((d: { id: string }) => d.id);
      await until('a scan processing', async () => {
        const r = await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents WHERE id = ANY($1::uuid[]) AND status = 'processing'`, [ids]);
        return r[0].n > 0 ? true : undefined;
      }, 120_000, 100);
      await stack.redis.kill();
      const counts = async () => (await stack.query<{ b: number; d: number }>(`SELECT (SELECT count(*)::int FROM scan_batches) AS b, (SELECT count(*)::int FROM documents) AS d`))[0];
      const before = await counts();
      // refused during the outage, several times (the first and later attempts)
      const late = await letter({ tag: `(redis-loss ${t} during the outage)` });
      const lateKey = path.join(stack.env.STORAGE_DIR, 'sha256', createHash('sha256').update(late).digest('hex').slice(0, 2), createHash('sha256').update(late).digest('hex'));
      const refusals = [];
      for (let i = 0; i < 3; i++) {
        refusals.push(await upload([late]));
        await sleep(1000);
      }
      const after = await counts();
      const bad = refusals.filter((r) => r.status !== 503 || !r.headers.get('retry-after') || r.ms > REFUSAL_LIMIT_MS);
      if (bad.length) problems.push(`trial ${t}: POST /batches during the outage: ${refusals.map((r) => `${r.status} in ${r.ms.toFixed(0)} ms, Retry-After ${r.headers.get('retry-after') ?? '-'}`).join('; ')}`);
      if (after.b !== before.b || after.d !== before.d) problems.push(`trial ${t}: stored during the outage: batches ${before.b}→${after.b}, documents ${before.d}→${after.d}`);
      if (existsSync(lateKey)) problems.push(`trial ${t}: the refused letter's original was left in storage (${lateKey})`);
      await sleep(3000);
      await stack.redis.start();
      const back = Date.now();
      let schedulesBack = NaN;
      try {
        await until('the schedules', async () => ((await missingSchedules(stack)).length === 0 ? true : undefined), 120_000, 250);
        schedulesBack = (Date.now() - back) / 1000;
      } catch {
        problems.push(`trial ${t}: schedules missing 120 s after the restart: ${(await missingSchedules(stack)).join(', ')}`);
      }
      const statuses = await settled(stack, ids, 6 * 60_000);
      const allDone = (Date.now() - back) / 1000;
      const fresh = await upload([await letter({ tag: `(redis-loss ${t} after the outage)` })]);
      if (fresh.status !== 202) problems.push(`trial ${t}: POST /batches after the restart answered ${fresh.status}`);
      const refusedMs = Math.max(...refusals.map((r) => r.ms));
      figures.push(`503 in ≤ ${refusedMs.toFixed(0)} ms (Retry-After ${refusals[0].headers.get('retry-after') ?? '-'}), schedules back ${schedulesBack.toFixed(1)} s, ${ids.length} letters ${show(countBy(statuses.values()))} ${allDone.toFixed(0)} s after the restart`);
      ctx.log(`trial ${t}/${trials}: ${figures[figures.length - 1]}`);
    }
    await settled(stack, docIds, 5 * 60_000);
    problems.push(...(await scanIntegrity(stack, batchIds, docIds.length)));
    const audit = await verifyAudit(stack, records.base);
    problems.push(...audit.problems);
    return verdict(trials, `${figures.join('; ')}; audit ${audit.problems.length ? 'BROKEN' : 'verifies'}`, problems);
  },
};
