import * as gen from '../../test/support/scan-generator';
import { until } from '../../test/support/processes';
import type { Stack } from './stack';

export interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/** One HTTP request; a refused or reset connection is answered as status 0 (never thrown). */
export async function call(
  base: string,
  method: string,
  route: string,
  options: { token?: string; json?: unknown; form?: FormData; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) body = options.form;
  try {
    const res = await fetch(`${base}${route}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed, ms: performance.now() - started };
  } catch (e) {
    return { status: 0, headers: new Headers(), body: { error: { code: 'transport', message: String((e as Error).cause ?? e) } }, ms: performance.now() - started };
  }
}

/** The form of `POST /batches`: scanned files as `files`. */
export function batchForm(files: Buffer[], prefix = 'brief'): FormData {
  const form = new FormData();
  form.set('scanner', 'fault-suite');
  files.forEach((f, i) => form.append('files', new Blob([f], { type: 'application/pdf' }), `${prefix}-${i + 1}.pdf`));
  return form;
}

let letterNo = 0;
/**
 * A generated letter, distinct from every other of the run: a scanned page (OCR) or, with
 * `text`, a born-digital PDF with a text layer (no OCR). `reference` is the Aktenzeichen it
 * quotes (a letter quoting an open case file's is filed into it, else it goes to an inbox).
 */
export async function letter(options: { reference?: string; text?: boolean; pages?: number; tag?: string } = {}): Promise<Buffer> {
  const no = ++letterNo;
  const spec = gen.germanLetter({
    subject: `Betreff: Anfrage Nr. ${no} ${options.tag ?? ''}`.trim(),
    references: options.reference ? [`Ihr Zeichen: ${options.reference}`] : [`Vorgangsnummer ${no}`],
  });
  if (options.text) return (await gen.toTextPdf(spec)).pdf;
  const pages = [];
  for (let p = 0; p < (options.pages ?? 1); p++) pages.push(await gen.renderLetter(spec, { dpi: 200, seed: no * 10 + p }));
  return gen.toScannedPdf(pages);
}

export const TERMINAL = new Set(['filed', 'needs_review', 'failed', 'rejected']);

/** Waits until every document is in a terminal state; returns status by id. */
export async function settled(stack: Stack, ids: string[], ms: number): Promise<Map<string, string>> {
  let last = new Map<string, string>();
  try {
    await until('every letter filed or in an inbox', async () => {
      const rows = await stack.query<{ id: string; status: string }>(`SELECT id, status FROM documents WHERE id = ANY($1::uuid[])`, [ids]);
      last = new Map(rows.map((r) => [r.id, r.status]));
      return rows.length === ids.length && rows.every((r) => TERMINAL.has(r.status)) ? true : undefined;
    }, ms, 500);
  } catch {
    /* reported by the caller from `last` */
  }
  return last;
}

/** Counts by status, e.g. "filed 3, needs_review 2". */
export function countBy(values: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

export const show = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';

/**
 * Integrity of scanned letters: exactly the uploaded documents exist (no extra, none lost), each
 * with one version, one original and (once processed) one searchable rendition, and one
 * filing/inbox audit event. Returns the problems found (empty: all well).
 */
export async function scanIntegrity(stack: Stack, batchIds: string[], expectedDocuments: number): Promise<string[]> {
  const problems: string[] = [];
  const docs = await stack.query<{ id: string; status: string; versions: number; originals: number; searchables: number; outcomes: number }>(
    `SELECT d.id, d.status,
            (SELECT count(*)::int FROM document_versions v WHERE v.document_id = d.id) AS versions,
            (SELECT count(*)::int FROM document_versions v JOIN document_files f ON f.version_id = v.id WHERE v.document_id = d.id AND f.variant = 'original') AS originals,
            (SELECT count(*)::int FROM document_versions v JOIN document_files f ON f.version_id = v.id WHERE v.document_id = d.id AND f.variant = 'searchable') AS searchables,
            (SELECT count(*)::int FROM audit_events a WHERE a.object_type = 'document' AND a.object_id = d.id::text AND a.action IN ('document.file', 'document.inbox')) AS outcomes
       FROM documents d WHERE d.batch_id = ANY($1::uuid[])`,
    [batchIds],
  );
  if (docs.length !== expectedDocuments) problems.push(`${docs.length} documents for ${expectedDocuments} letters`);
  const notDone = docs.filter((d) => d.status !== 'filed' && d.status !== 'needs_review');
  if (notDone.length) problems.push(`not filed/inbox: ${show(countBy(notDone.map((d) => d.status)))}`);
  const odd = docs.filter((d) => d.versions !== 1 || d.originals !== 1 || d.searchables > 1 || d.outcomes > 1 || ((d.status === 'filed' || d.status === 'needs_review') && (d.searchables !== 1 || d.outcomes !== 1)));
  if (odd.length) problems.push(`${odd.length} documents not stored exactly once (e.g. ${JSON.stringify(odd[0])})`);
  return problems;
}

/** GET /audit/verify as an auditor: problems (empty when the chain verifies) and the event count. */
export async function verifyAudit(stack: Stack, base: string): Promise<{ problems: string[]; checked: number }> {
  const auditor = await stack.token({ sub: 'paul.rpa', name: 'Paul Prüfer', roles: ['auditor'] });
  const res = await call(base, 'GET', '/api/v1/audit/verify', { token: auditor, timeoutMs: 120_000 });
  const problems: string[] = [];
  if (res.status !== 200 || !res.body?.ok) problems.push(`audit verify: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  const gaps = await stack.query<{ n: number; lo: string; hi: string }>(`SELECT count(*)::int AS n, min(seq)::text AS lo, max(seq)::text AS hi FROM audit_events`);
  const { n, lo, hi } = gaps[0];
  if (n > 0 && (lo !== '1' || Number(hi) !== n)) problems.push(`audit sequence has gaps: ${n} events, seq ${lo}..${hi}`);
  return { problems, checked: Number(res.body?.checked ?? 0) };
}
