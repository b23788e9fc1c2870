import { sleep } from '../../test/support/processes';
import { Answer, batchForm, call, letter } from './client';
import type { AppProcess, Stack } from './stack';

export const caseworker = { sub: 'anna.32', name: 'Anna Ordnung', roles: ['caseworker'], departments: ['32'] };
export const scanOperator = { sub: 'sina.scan', name: 'Sina Scan', roles: ['scan_operator'] };

export interface Outcome {
  op: string;
  status: number;
  ms: number;
  at: number;
  retryAfter: string | null;
  code?: string;
}

/** What the mixed load works on: a case file with one document, tokens, generated letters. */
export interface Fixture {
  caseFileId: string;
  documentId: string;
  caseworkerToken: string;
  scanToken: string;
}

export async function fixture(stack: Stack, records: AppProcess): Promise<Fixture> {
  const caseworkerToken = await stack.token(caseworker);
  const scanToken = await stack.token(scanOperator);
  const cf = await call(records.base, 'POST', '/api/v1/case-files', { token: caseworkerToken, json: { filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Café Müller' } });
  if (cf.status !== 201) throw new Error(`creating the case file answered ${cf.status}: ${JSON.stringify(cf.body).slice(0, 200)}`);
  const doc = await uploadDocument(records, caseworkerToken, cf.body.id, await letter({ text: true, tag: '(fixture)' }));
  if (doc.status !== 201) throw new Error(`uploading the first document answered ${doc.status}: ${JSON.stringify(doc.body).slice(0, 200)}`);
  return { caseFileId: cf.body.id, documentId: doc.body.id, caseworkerToken, scanToken };
}

export function uploadDocument(records: AppProcess, token: string, caseFileId: string, pdf: Buffer): Promise<Answer> {
  const form = new FormData();
  form.set('title', 'Antrag');
  form.set('documentType', 'antrag');
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'antrag.pdf');
  return call(records.base, 'POST', `/api/v1/case-files/${caseFileId}/documents`, { token, form });
}

const SEARCH_WORDS = ['Gaststätte', 'Antrag', 'Erlaubnis', 'Öffnungszeiten', 'Königstraße', 'Unterlagen'];

export type Operation = 'case-file' | 'document' | 'list' | 'search' | 'upload' | 'batch';

/** One operation of the mixed load against the given apps; uploads use fresh letters (born-digital PDFs). */
export async function operate(op: Operation, f: Fixture, records: AppProcess, ingest: AppProcess | undefined, accepted: { documents: string[]; batches: string[] }): Promise<Outcome> {
  const at = Date.now();
  let res: Answer;
  switch (op) {
    case 'case-file':
      res = await call(records.base, 'GET', `/api/v1/case-files/${f.caseFileId}`, { token: f.caseworkerToken });
      break;
    case 'document':
      res = await call(records.base, 'GET', `/api/v1/documents/${f.documentId}`, { token: f.caseworkerToken });
      break;
    case 'list':
      res = await call(records.base, 'GET', '/api/v1/case-files?departmentCode=32&page=1&pageSize=20', { token: f.caseworkerToken });
      break;
    case 'search':
      res = await call(records.base, 'GET', `/api/v1/search?q=${encodeURIComponent(SEARCH_WORDS[Math.floor(Math.random() * SEARCH_WORDS.length)])}&departmentCode=32`, { token: f.caseworkerToken });
      break;
    case 'upload':
      res = await uploadDocument(records, f.caseworkerToken, f.caseFileId, await letter({ text: true, tag: '(load)' }));
      if (res.status === 201) accepted.documents.push(res.body.id);
      break;
    case 'batch':
      res = await call(ingest!.base, 'POST', '/api/v1/batches', { token: f.scanToken, form: batchForm([await letter({ text: true, tag: '(load batch)' })]) });
      if (res.status === 202) accepted.batches.push(res.body.id);
      break;
  }
  return { op, status: res.status, ms: res.ms, at, retryAfter: res.headers.get('retry-after'), code: res.body?.error?.code };
}

/** `clients` loops running a weighted mix of operations until `stop()`; every outcome is kept. */
export function mixedLoad(clients: number, mix: [Operation, number][], run: (op: Operation) => Promise<Outcome>): { outcomes: Outcome[]; stop: () => Promise<void> } {
  const outcomes: Outcome[] = [];
  let running = true;
  const total = mix.reduce((n, [, w]) => n + w, 0);
  const pick = (): Operation => {
    let r = Math.random() * total;
    for (const [op, w] of mix) if ((r -= w) < 0) return op;
    return mix[0][0];
  };
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const o = await run(pick()).catch((e) => ({ op: 'client', status: -1, ms: 0, at: Date.now(), retryAfter: null, code: String(e) }) as Outcome);
      outcomes.push(o);
      if (o.status === 0 || o.status === -1) await sleep(50); // a refused connection answers at once
    }
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Outcomes that are neither a success nor a 503 with Retry-After, by op and status. */
export function unacceptable(outcomes: Outcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    if (o.status >= 200 && o.status < 300) continue;
    if (o.status === 503 && o.retryAfter) continue;
    const k = `${o.op} ${o.status}${o.code ? ` ${o.code}` : ''}${o.status === 503 ? ' (no Retry-After)' : ''}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
