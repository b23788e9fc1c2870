import * as os from 'node:os';
import { rssOf } from '../../../bench/process-memory';
import { sleep } from '../../../test/support/processes';
import { countBy, show } from '../client';
import { fixture, mixedLoad, operate, Outcome, percentile } from '../load';
import { Scenario, verdict } from '../scenario';

const CLIENTS = 16;
/** The last minute may be at most this much worse than the second (p99 latency, RSS of each process). */
const GROWTH_LIMIT = 1.5;
/** One scan batch (one born-digital letter) every 3 s besides the clients. */
const SCAN_EVERY_MS = 3000;
const mb = (b: number) => Math.round(b / 1024 / 1024);

/**
 * Scenario 7: 16 clients for `--soak-minutes` (default 10) of mixed case-file and document reads,
 * list pages, searches and document uploads, and beside them one scan batch every 3 s
 * (born-digital letters, processed by the worker). Prints per minute the requests, errors, p50/p99 latency and the RSS of each
 * process. PASS when no request failed (anything but 2xx is an error), and in the last minute
 * p99 and every process's RSS are at most 1.5× those of the second minute (with fewer than two
 * minutes the only minute is its own reference).
 */
export const soak: Scenario = {
  name: 'soak',
  timeoutMs: (o) => (o.soakMinutes + 6) * 60_000,
  async run(ctx) {
    const minutes = Math.max(1, Math.round(ctx.options.soakMinutes));
    const stack = await ctx.stack();
    const records = await stack.startApp('records-api');
    const ingest = await stack.startApp('ingest');
    await stack.startApp('worker');
    const f = await fixture(stack, records);
    const accepted = { documents: [] as string[], batches: [] as string[] };
    const load = mixedLoad(CLIENTS, [['case-file', 8], ['document', 4], ['list', 4], ['search', 6], ['upload', 1]], (op) => operate(op, f, records, ingest, accepted));
    // scans arrive at a steady pace beside them (closed-loop clients would all end up queued at
    // ingest, which inspects a few PDFs at a time), so the worker has letters to process
    let scanning = true;
    const scans = (async () => {
      while (scanning) {
        load.outcomes.push(await operate('batch', f, records, ingest, accepted));
        await sleep(SCAN_EVERY_MS);
      }
    })();
    const started = Date.now();
    const rss: Record<string, number>[] = [];
    /** The machine's 1-minute load average at each minute's end (other processes share the cores). */
    const loads: number[] = [];
    try {
      for (let m = 1; m <= minutes; m++) {
        await sleep(started + m * 60_000 - Date.now());
        rss.push(Object.fromEntries(stack.procs.map((p) => [p.label, rssOf(p.pid).rss])));
        loads.push(os.loadavg()[0]);
      }
    } finally {
      scanning = false;
      await Promise.all([load.stop(), scans]);
    }
    const perMinute: Outcome[][] = Array.from({ length: minutes }, () => []);
    for (const o of load.outcomes) {
      const m = Math.floor((o.at - started) / 60_000);
      if (m >= 0 && m < minutes) perMinute[m].push(o);
    }
    const labels = stack.procs.map((p) => p.label);
    // every upload goes into the fixture's case file, whose GET returns all its documents
    const uploadsBy = (m: number) => 1 + load.outcomes.filter((o) => o.op === 'upload' && o.status === 201 && o.at < started + (m + 1) * 60_000).length;
    const ops = [...new Set(load.outcomes.map((o) => o.op))].sort();
    const lines = [`minute | requests | errors | p50 ms | p99 ms | ${labels.map((l) => `${l} RSS MB`).join(' | ')} | load | p99 ms by operation (${ops.join(', ')}) | documents in the case file`];
    const p99s: number[] = [];
    perMinute.forEach((minute, m) => {
      const ms = minute.map((o) => o.ms);
      p99s.push(percentile(ms, 99));
      lines.push(
        `${m + 1} | ${minute.length} | ${minute.filter((o) => o.status < 200 || o.status >= 300).length} | ${percentile(ms, 50).toFixed(1)} | ${p99s[m].toFixed(1)} | ${labels.map((l) => mb(rss[m][l])).join(' | ')} | ${loads[m].toFixed(1)} | ${ops.map((op) => percentile(minute.filter((o) => o.op === op).map((o) => o.ms), 99).toFixed(0)).join(' / ')} | ${uploadsBy(m)}`,
      );
    });
    for (const l of lines) ctx.log(l);
    ctx.log(`per operation p50/p99 ms: ${ops.map((op) => { const ms = load.outcomes.filter((o) => o.op === op).map((o) => o.ms); return `${op} ${percentile(ms, 50).toFixed(0)}/${percentile(ms, 99).toFixed(0)} (${ms.length})`; }).join(', ')}`);
    const problems: string[] = [];
    const errors = load.outcomes.filter((o) => o.status < 200 || o.status >= 300);
    if (errors.length) problems.push(`${errors.length} errors: ${show(countBy(errors.map((o) => `${o.op} ${o.status}${o.code ? ` ${o.code}` : ''}`)))}`);
    const ref = Math.min(2, minutes) - 1;
    const last = minutes - 1;
    if (p99s[last] > GROWTH_LIMIT * p99s[ref]) problems.push(`p99 of the last minute ${p99s[last].toFixed(1)} ms > ${GROWTH_LIMIT} × minute ${ref + 1} (${p99s[ref].toFixed(1)} ms)`);
    for (const l of labels) if (rss[last][l] > GROWTH_LIMIT * rss[ref][l]) problems.push(`${l} RSS ${mb(rss[last][l])} MB in the last minute > ${GROWTH_LIMIT} × minute ${ref + 1} (${mb(rss[ref][l])} MB)`);
    const all = load.outcomes.map((o) => o.ms);
    return {
      ...verdict(
        minutes,
        `${CLIENTS} clients × ${minutes} min + a scan every ${SCAN_EVERY_MS / 1000} s: ${load.outcomes.length} requests, ${errors.length} errors; p50/p99 ${percentile(all, 50).toFixed(1)}/${percentile(all, 99).toFixed(1)} ms; p99 minute ${ref + 1} → ${last + 1}: ${p99s[ref].toFixed(1)} → ${p99s[last].toFixed(1)} ms; RSS MB minute ${ref + 1} → ${last + 1}: ${labels.map((l) => `${l} ${mb(rss[ref][l])} → ${mb(rss[last][l])}`).join(', ')}`,
        problems,
      ),
    };
  },
};
