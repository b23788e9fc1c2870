/**
 * Fault suite (issue 11): the service as deployed (`npm run build`, then `node dist/apps/<app>/src/main.js`
 * processes) on private dependencies (a PostgreSQL cluster, redis-servers and s3rver of its own:
 * never the machine's shared servers), with faults injected. Prints one table row per scenario
 * and exits 1 when any scenario fails or times out.
 *
 *   npm run build && npm run test:faults [-- --only=worker-kill,tokens --trials=N --soak-minutes=10 --letters=200]
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { arg } from '../../bench/process-memory';
import { Scenario, ScenarioContext, ScenarioResult, SuiteOptions } from './scenario';
import { multiInstance } from './scenarios/multi-instance';
import { postgresRestart } from './scenarios/postgres-restart';
import { redisLoss } from './scenarios/redis-loss';
import { soak } from './scenarios/soak';
import { storageOutage } from './scenarios/storage-outage';
import { tokenAttacks } from './scenarios/token-attacks';
import { workerKill } from './scenarios/worker-kill';

const SCENARIOS: Scenario[] = [workerKill, redisLoss, postgresRestart, storageOutage, multiInstance, tokenAttacks, soak];

async function main(): Promise<void> {
  const options: SuiteOptions = {
    trials: arg('trials', '') ? Number(arg('trials', '')) : undefined,
    soakMinutes: Number(arg('soak-minutes', '10')),
    letters: arg('letters', '') ? Number(arg('letters', '')) : undefined,
  };
  const only = arg('only', '').split(',').filter(Boolean);
  const unknown = only.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  if (!existsSync(path.resolve(__dirname, '..', '..', 'dist', 'apps', 'worker', 'src', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const chosen = only.length ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  console.log(`fault suite: ${chosen.map((s) => s.name).join(', ')} (${process.argv.slice(2).join(' ') || 'defaults'})`);

  const rows: { name: string; result: ScenarioResult; seconds: number }[] = [];
  for (const scenario of chosen) {
    const ctx = new ScenarioContext(scenario.name, options);
    const limit = scenario.timeoutMs(options);
    const started = Date.now();
    console.log(`\n== ${scenario.name} (timeout ${Math.round(limit / 1000)} s)`);
    let timer: NodeJS.Timeout | undefined;
    let result: ScenarioResult;
    try {
      result = await Promise.race([
        scenario.run(ctx),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(limit / 1000)} s`)), limit))),
      ]);
    } catch (e) {
      result = { pass: false, trials: 0, figures: `error: ${(e as Error).message.split('\n')[0]}`, notes: [(e as Error).stack ?? String(e)] };
    } finally {
      clearTimeout(timer);
      ctx.aborted = true;
      await ctx.closeAll();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`  -> ${result.pass ? 'PASS' : 'FAIL'} in ${seconds.toFixed(0)} s: ${result.figures}`);
    for (const n of result.notes) console.log(`     ${n}`);
    rows.push({ name: scenario.name, result, seconds });
  }

  console.log('\n| scenario | trials | result | key figures | time |');
  console.log('|---|---|---|---|---|');
  for (const { name, result, seconds } of rows) {
    console.log(`| ${name} | ${result.trials} | ${result.pass ? 'PASS' : 'FAIL'} | ${result.figures.replace(/\|/g, '/')} | ${seconds.toFixed(0)} s |`);
  }
  const failed = rows.filter((r) => !r.result.pass);
  if (failed.length) {
    console.log(`\n${failed.length} of ${rows.length} scenarios failed:`);
    for (const f of failed) for (const n of f.result.notes.slice(0, 5)) console.log(`- ${f.name}: ${n.split('\n')[0]}`);
  }
  process.exitCode = failed.length ? 1 : 0;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
