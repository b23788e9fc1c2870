import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import type { RunSummary } from './chain-verifier';
import { poolSource, verifySlice } from './verify-slice';

/**
 * A verify thread (see verify-threads.ts): re-hashes the slices it is sent over its own connection
 * and answers each with the run's summary. Self-contained apart from pg and the chain modules.
 */
export interface SliceRequest {
  lo: number;
  hi: number;
}
export type SliceResponse = { ok: true; run: RunSummary } | { ok: false; error: string };

const init = workerData as { url: string; anchors: [number, string][] };
const pool = new Pool({ connectionString: init.url, max: 2, connectionTimeoutMillis: 5000 });
const source = poolSource(pool);
const anchored = new Map<number, string>(init.anchors);

parentPort!.on('message', (request: SliceRequest) => {
  verifySlice(source, request.lo, request.hi, anchored).then(
    (run) => {
      const { first, failure, checked, firstSeq, lastSeq, lastHash } = run;
      parentPort!.postMessage({ ok: true, run: { first, failure, checked, firstSeq, lastSeq, lastHash } } satisfies SliceResponse);
    },
    (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies SliceResponse),
  );
});
