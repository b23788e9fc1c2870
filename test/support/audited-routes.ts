/**
 * Every HTTP route of the records API and the ingest service, with the audit event it must write.
 * test/audited-routes.e2e-spec.ts enumerates the routes each app actually registers and fails for
 * any route missing from this table, then calls every row and checks that an event with the
 * row's action and the call's request id was written.
 *
 * HOW TO ADD A ROW (one per route you add; keep rows grouped by feature):
 *   'POST /api/v1/things/:id/frob': {        // key = HTTP method + the Nest route path, as registered
 *     app: 'records-api',                     // or 'ingest': the app that serves the route
 *     user: users.caseworker32,               // who calls (from test/support/app.ts `users`)
 *     action: 'thing.frob',                   // the audit action the route must record
 *     call: async (c) => {                    // one representative, successful request
 *       const cf = await c.fixtures.caseFile(); // prerequisites: fixtures (their own request ids)
 *       await c.request('post', `/api/v1/things/${cf.id}/frob`).send({ reason: 'x' }).expect(200);
 *     },
 *   },
 * `c.request` sets the row user's bearer token and the unique X-Request-Id the test then looks
 * up in audit_events. Rows for routes an app does not register (yet) are skipped, so rows may land
 * before or after the route itself; only registered routes without a row fail the test.
 */
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { WebSessionService } from '@app/auth';
import { Role } from '@app/common';
import type { TestApp, TestUser } from './app';
import { users } from './app';
import { RETENTION_ROUTES } from '../retention-routes';

export type AppName = 'records-api' | 'ingest';
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface CaseFileFixture {
  id: string;
  reference: string;
}

export interface DocumentFixture {
  id: string;
  caseFileId: string;
  sha256: string;
}

export type DisposalAction = 'destroy' | 'archive' | 'review';

export interface RetentionRule {
  years: number | null;
  trigger: 'closed' | 'created';
  disposal: DisposalAction;
}

export interface OfferFixture {
  id: string;
  processId: string;
  caseFileId: string;
}

/**
 * Prerequisites a row may create (each with its own request id, as caseworker32 unless told;
 * retention and disposal prerequisites as the records manager, batches as the scan operator).
 * Each call creates a fresh object, so a row that changes state calls them inside `call`.
 */
export interface RouteFixtures {
  caseFile(options?: { filePlanCode?: string; title?: string; user?: TestUser }): Promise<CaseFileFixture>;
  closedCaseFile(): Promise<CaseFileFixture>;
  document(caseFileId?: string): Promise<DocumentFixture>;
  /** A Vorgang of the case file (default: a fresh case file of department 32). */
  vorgang(caseFileId?: string): Promise<{ id: string; caseFileId: string; reference: string }>;
  /** A document of department 32 waiting in the review inbox (no case file; the pipeline is not run). */
  inboxDocument(): Promise<DocumentFixture>;
  /** A file-plan unit of department 32 of its own (default: 10 years after closing, destroy); returns its code. */
  filePlanUnit(retention?: RetentionRule): Promise<string>;
  /** An active legal hold on the case file. */
  legalHold(caseFileId: string): Promise<{ id: string }>;
  /**
   * A closed case file (with one document) whose retention has ended, marked due by a sweep. It
   * sits in a file-plan unit of its own with `years: 0`, so nothing else in the shared test
   * database becomes due.
   */
  dueCaseFile(disposal?: DisposalAction): Promise<CaseFileFixture & { documentId: string }>;
  /** A disposal offer (Aussonderung) of one due case file, not yet appraised or executed. */
  disposalOffer(disposal?: DisposalAction): Promise<OfferFixture>;
  /** An executed offer: `archive` = handed over, waiting for the archive's confirmation; `destroy` = destroyed, with a certificate. */
  executedOffer(disposal: 'archive' | 'destroy'): Promise<OfferFixture>;
  /** A scan batch uploaded to the ingest service; `unreadable` = one rejected file, so the batch is complete at once. */
  batch(options?: { unreadable?: boolean }): Promise<{ id: string }>;
  /** A scan batch whose one document has ended `failed` (set directly; the pipeline is not run). */
  failedScan(): Promise<{ batchId: string; documentId: string }>;
  /** A small PDF-looking payload, unique per call. */
  pdf(text?: string): Buffer;
}

export interface RouteCallContext {
  /** The app serving the row's route, and both apps (for prerequisites across services). */
  t: TestApp;
  apps: Record<AppName, TestApp>;
  /** The unique request id the audit event is looked up by. */
  requestId: string;
  /** A request to the row's app as the row's user, with the request id set. */
  request(method: HttpMethod, path: string): Test;
  /** A request to any app as any user (or anonymous), not carrying the row's request id. */
  requestAs(app: AppName, user: TestUser | null, method: HttpMethod, path: string): Test;
  fixtures: RouteFixtures;
}

export interface AuditedRoute {
  app: AppName;
  /** Other apps that serve the same route (the batch routes: ingest and, for the web application, the records API); the row runs against each. */
  alsoServedBy?: AppName[];
  /** Who calls; null = anonymous (only for routes that are public on purpose). */
  user: TestUser | null;
  /** The audit action the call must record under its request id. */
  action: string;
  call(c: RouteCallContext): Promise<unknown>;
}

/** Every app that serves a row's route. */
export const servedBy = (row: { app: AppName; alsoServedBy?: AppName[] }): AppName[] => [row.app, ...(row.alsoServedBy ?? [])];

export const AUDITED_ROUTES: Record<string, AuditedRoute> = {
  // ---- records API: departments and file plan ------------------------------------------------
  'GET /api/v1/departments': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'department.list',
    call: (c) => c.request('get', '/api/v1/departments').expect(200),
  },
  'POST /api/v1/departments': {
    app: 'records-api',
    user: users.admin,
    action: 'department.create',
    call: (c) => c.request('post', '/api/v1/departments').send({ code: `T${c.requestId.slice(-6)}`, name: 'Testamt' }).expect(201),
  },
  'GET /api/v1/file-plan': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'file_plan.list',
    call: (c) => c.request('get', '/api/v1/file-plan').expect(200),
  },
  'POST /api/v1/file-plan': {
    app: 'records-api',
    user: users.recordsManager,
    action: 'file_plan.create',
    call: (c) =>
      c
        .request('post', '/api/v1/file-plan')
        .send({ code: `32.9.${c.requestId.slice(-6)}`, title: 'Testeinheit', parentCode: '32', departmentCode: '32', retention: { years: 10, trigger: 'closed', disposal: 'destroy' } })
        .expect(201),
  },

  // ---- records API: case files -----------------------------------------------------------------
  'GET /api/v1/case-files': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'case_file.list',
    call: (c) => c.request('get', '/api/v1/case-files').expect(200),
  },
  'POST /api/v1/case-files': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'case_file.create',
    call: (c) => c.request('post', '/api/v1/case-files').send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis Testcafé' }).expect(201),
  },
  'GET /api/v1/case-files/:id': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'case_file.read',
    call: async (c) => c.request('get', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}`).expect(200),
  },
  'POST /api/v1/case-files/:id/close': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'case_file.close',
    call: async (c) => c.request('post', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}/close`).expect(200),
  },
  'POST /api/v1/case-files/:id/reopen': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'case_file.reopen',
    call: async (c) => c.request('post', `/api/v1/case-files/${(await c.fixtures.closedCaseFile()).id}/reopen`).send({ reason: 'Widerspruch eingegangen' }).expect(200),
  },
  'PATCH /api/v1/case-files/:id': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'case_file.update',
    call: async (c) => c.request('patch', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}`).send({ title: 'Neuer Titel' }).expect(200),
  },
  'GET /api/v1/case-files/:id/history': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'case_file.history',
    call: async (c) => c.request('get', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}/history`).expect(200),
  },

  // ---- records API: documents ------------------------------------------------------------------
  'POST /api/v1/case-files/:id/documents': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.create',
    call: async (c) => {
      const cf = await c.fixtures.caseFile();
      return c.request('post', `/api/v1/case-files/${cf.id}/documents`).field('title', 'Antrag').field('documentType', 'antrag').attach('file', c.fixtures.pdf('Antrag'), 'antrag.pdf').expect(201);
    },
  },
  'GET /api/v1/documents/:id': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.read',
    call: async (c) => c.request('get', `/api/v1/documents/${(await c.fixtures.document()).id}`).expect(200),
  },
  'GET /api/v1/documents/:id/content': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.download',
    call: async (c) => c.request('get', `/api/v1/documents/${(await c.fixtures.document()).id}/content`).expect(200),
  },
  'GET /api/v1/documents/:id/text': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.text.read',
    call: async (c) => c.request('get', `/api/v1/documents/${(await c.fixtures.document()).id}/text`).expect(200),
  },
  'POST /api/v1/documents/:id/versions': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.version.create',
    call: async (c) => {
      const doc = await c.fixtures.document();
      return c.request('post', `/api/v1/documents/${doc.id}/versions`).field('comment', 'korrigiert').attach('file', c.fixtures.pdf('v2'), 'v2.pdf').expect(201);
    },
  },

  // ---- records API: Vorgänge, document metadata and moves ----------------------------------------
  'POST /api/v1/case-files/:id/vorgaenge': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'vorgang.create',
    call: async (c) => c.request('post', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}/vorgaenge`).send({ title: 'Widerspruch' }).expect(201),
  },
  'PATCH /api/v1/vorgaenge/:id': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'vorgang.update',
    call: async (c) => c.request('patch', `/api/v1/vorgaenge/${(await c.fixtures.vorgang()).id}`).send({ title: 'Antrag 2026', status: 'closed' }).expect(200),
  },
  'PATCH /api/v1/documents/:id': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.update',
    call: async (c) => c.request('patch', `/api/v1/documents/${(await c.fixtures.document()).id}`).send({ documentType: 'widerspruch' }).expect(200),
  },
  'POST /api/v1/documents/:id/move': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.move',
    call: async (c) => {
      const doc = await c.fixtures.document();
      const v = await c.fixtures.vorgang(doc.caseFileId);
      return c.request('post', `/api/v1/documents/${doc.id}/move`).send({ vorgangId: v.id, reason: 'gehört zum Antrag' }).expect(200);
    },
  },

  // ---- records API: search -----------------------------------------------------------------------
  'GET /api/v1/search': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'search',
    call: (c) => c.request('get', '/api/v1/search?q=Antrag').expect(200),
  },

  // ---- records API: dashboards (issue 14) --------------------------------------------------------
  'GET /api/v1/dashboards/scan-centre': {
    app: 'records-api',
    user: users.scanOperator,
    action: 'dashboard.read',
    call: (c) => c.request('get', '/api/v1/dashboards/scan-centre').expect(200),
  },
  'GET /api/v1/dashboards/caseworker': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'dashboard.read',
    call: (c) => c.request('get', '/api/v1/dashboards/caseworker').expect(200),
  },
  'GET /api/v1/dashboards/records-manager': {
    app: 'records-api',
    user: users.recordsManager,
    action: 'dashboard.read',
    call: (c) => c.request('get', '/api/v1/dashboards/records-manager').expect(200),
  },
  'GET /api/v1/dashboards/auditor': {
    app: 'records-api',
    user: users.auditor,
    action: 'dashboard.read',
    call: (c) => c.request('get', '/api/v1/dashboards/auditor').expect(200),
  },

  // ---- records API: auditor ----------------------------------------------------------------------
  'GET /api/v1/audit/events': {
    app: 'records-api',
    user: users.auditor,
    action: 'audit.query',
    call: (c) => c.request('get', '/api/v1/audit/events?limit=5').expect(200),
  },
  'GET /api/v1/audit/export': {
    app: 'records-api',
    user: users.auditor,
    action: 'audit.export',
    call: (c) => c.request('get', '/api/v1/audit/export?format=jsonl&action=case_file.create').expect(200),
  },
  'GET /api/v1/audit/verify': {
    app: 'records-api',
    user: users.auditor,
    action: 'audit.verify',
    call: (c) => c.request('get', '/api/v1/audit/verify').expect(200),
  },
  // ---- ingest service: scan batches (issue 4) -------------------------------------------------------
  'POST /api/v1/batches': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    user: users.scanOperator,
    action: 'batch.create',
    call: (c) => c.request('post', '/api/v1/batches').field('scanner', 'audit-test').attach('files', c.fixtures.pdf('Scan'), 'scan.pdf').expect(202),
  },
  'GET /api/v1/batches': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    user: users.scanOperator,
    action: 'batch.list',
    call: async (c) => {
      await c.fixtures.batch();
      await c.request('get', '/api/v1/batches?page=1&pageSize=5').expect(200);
    },
  },
  'GET /api/v1/batches/:id': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    user: users.scanOperator,
    action: 'batch.read',
    call: async (c) => c.request('get', `/api/v1/batches/${(await c.fixtures.batch()).id}`).expect(200),
  },
  'GET /api/v1/batches/:id/capture': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    user: users.scanOperator,
    action: 'batch.capture.read',
    call: async (c) => c.request('get', `/api/v1/batches/${(await c.fixtures.batch()).id}/capture`).expect(200),
  },
  'GET /api/v1/batches/:id/events': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    user: users.scanOperator,
    action: 'batch.events.read',
    // a batch of one unreadable file is complete at once, so the event stream ends by itself
    call: async (c) => c.request('get', `/api/v1/batches/${(await c.fixtures.batch({ unreadable: true })).id}/events`).expect(200),
  },
  'POST /api/v1/batches/:id/documents/:documentId/retry': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    user: users.scanOperator,
    action: 'document.ingest.retry',
    call: async (c) => {
      const { batchId, documentId } = await c.fixtures.failedScan();
      return c.request('post', `/api/v1/batches/${batchId}/documents/${documentId}/retry`).expect(202);
    },
  },

  // ---- records API: review inbox (issue 4) -------------------------------------------------------
  'GET /api/v1/inbox': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'inbox.read',
    call: (c) => c.request('get', '/api/v1/inbox?departmentCode=32').expect(200),
  },
  'POST /api/v1/documents/:id/filing': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.file',
    call: async (c) => {
      const doc = await c.fixtures.inboxDocument();
      return c.request('post', `/api/v1/documents/${doc.id}/filing`).send({ caseFileId: doc.caseFileId }).expect(200);
    },
  },
  'POST /api/v1/documents/:id/forward': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.forward',
    call: async (c) => c.request('post', `/api/v1/documents/${(await c.fixtures.inboxDocument()).id}/forward`).send({ departmentCode: '50' }).expect(200),
  },
  // retention, legal holds, refused deletions and disposal: rows in test/retention-routes.ts
  ...RETENTION_ROUTES,

  // ---- records API: browser sign-in (issue 10; the full flow runs in test/sign-in.e2e-spec.ts) ------
  // GET /auth/login and GET /api/v1/session/options are public and write nothing, like /health
  'GET /api/v1/session': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'session.read',
    call: (c) => c.request('get', '/api/v1/session').expect(200),
  },
  'GET /auth/callback': {
    app: 'records-api',
    user: null,
    action: 'session.login_failed',
    call: (c) => c.request('get', '/auth/callback?error=access_denied&state=abc').expect(302).expect('Location', '/anmelden?fehler=access_denied'),
  },
  'POST /auth/logout': {
    app: 'records-api',
    user: null, // a browser session authenticates, not a bearer token
    action: 'session.logout',
    call: async (c) => {
      const sessions = c.t.app.get(WebSessionService);
      const s = await sessions.transaction((m) => sessions.create(m, { ...users.caseworker32, roles: [Role.Caseworker] }, null));
      return c.request('post', '/auth/logout').set('Cookie', `eakte_session=${s.token}`).set('X-CSRF-Token', s.csrfToken).expect(200);
    },
  },
};

let fixtureSeq = 0;

/** Bearer tokens of every test user (signed once; requests are built synchronously from them). */
export async function signUsers(t: TestApp): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const u of Object.values(users) as TestUser[]) tokens.set(u.sub, await t.token(u));
  return tokens;
}

export function bearer(tokens: Map<string, string>, user: TestUser): string {
  const token = tokens.get(user.sub);
  if (!token) throw new Error(`no token for ${user.sub}: use a user from test/support/app.ts users`);
  return `Bearer ${token}`;
}

/** The fixtures of {@link RouteFixtures}, created through the records API (batches through the ingest service, when given). */
export function routeFixtures(records: TestApp, tokens: Map<string, string>, ingest?: TestApp): RouteFixtures {
  const call = (user: TestUser, method: HttpMethod, path: string, app: TestApp = records) =>
    app
      .http()
      [method](path)
      .set('Authorization', bearer(tokens, user))
      .set('X-Request-Id', `fixture-${process.pid}-${++fixtureSeq}`);
  const pdf = (text = 'Testdokument') => Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${text} ${Date.now()}-${++fixtureSeq}\ntrailer <<>>\n%%EOF\n`, 'latin1');
  const caseFile: RouteFixtures['caseFile'] = async (o = {}) => {
    const res = await call(o.user ?? users.caseworker32, 'post', '/api/v1/case-files').send({ filePlanCode: o.filePlanCode ?? '32.1.2', title: o.title ?? 'Testakte' }).expect(201);
    return { id: res.body.id, reference: res.body.reference };
  };
  const close = (id: string) => call(users.caseworker32, 'post', `/api/v1/case-files/${id}/close`).expect(200);
  const document: RouteFixtures['document'] = async (caseFileId) => {
    const cfId = caseFileId ?? (await caseFile()).id;
    const res = await call(users.caseworker32, 'post', `/api/v1/case-files/${cfId}/documents`).field('title', 'Antrag').attach('file', pdf(), 'antrag.pdf').expect(201);
    return { id: res.body.id, caseFileId: cfId, sha256: res.body.sha256 };
  };
  const filePlanUnit: RouteFixtures['filePlanUnit'] = async (retention = { years: 10, trigger: 'closed', disposal: 'destroy' }) => {
    const code = `32.8.${process.pid}${++fixtureSeq}${Date.now().toString(36)}`;
    await call(users.recordsManager, 'post', '/api/v1/file-plan').send({ code, title: 'Testeinheit', parentCode: '32', departmentCode: '32', retention }).expect(201);
    return code;
  };
  const dueCaseFile: RouteFixtures['dueCaseFile'] = async (disposal = 'review') => {
    const code = await filePlanUnit({ years: 0, trigger: 'closed', disposal });
    const cf = await caseFile({ filePlanCode: code, title: 'Aussonderungstest' });
    const doc = await document(cf.id);
    await close(cf.id);
    await new Promise((r) => setTimeout(r, 5)); // retainUntil = zdA date: let it pass
    await call(users.recordsManager, 'post', '/api/v1/disposal/sweep').expect(200);
    return { ...cf, documentId: doc.id };
  };
  const disposalOffer: RouteFixtures['disposalOffer'] = async (disposal = 'review') => {
    const cf = await dueCaseFile(disposal);
    const res = await call(users.recordsManager, 'post', '/api/v1/disposal/offers').send({ caseFileIds: [cf.id] }).expect(201);
    return { id: res.body.id, processId: res.body.processId, caseFileId: cf.id };
  };
  return {
    pdf,
    caseFile,
    closedCaseFile: async () => {
      const cf = await caseFile();
      await close(cf.id);
      return cf;
    },
    document,
    vorgang: async (caseFileId) => {
      const cfId = caseFileId ?? (await caseFile()).id;
      const res = await call(users.caseworker32, 'post', `/api/v1/case-files/${cfId}/vorgaenge`).send({ title: 'Antrag' }).expect(201);
      return { id: res.body.id, caseFileId: cfId, reference: res.body.reference };
    },
    inboxDocument: async () => {
      // a filed document put back into the inbox of department 32, as the pipeline leaves an uncertain scan
      const doc = await document();
      await records.app.get(DataSource).query(`UPDATE documents SET status = 'needs_review', case_file_id = NULL WHERE id = $1`, [doc.id]);
      return doc;
    },
    filePlanUnit,
    legalHold: async (caseFileId) => {
      const res = await call(users.recordsManager, 'post', `/api/v1/case-files/${caseFileId}/holds`).send({ reason: 'Klage VG', reference: 'VG 1 K 1/26' }).expect(201);
      return { id: res.body.id };
    },
    dueCaseFile,
    disposalOffer,
    executedOffer: async (disposal) => {
      const offer = await disposalOffer(disposal);
      await call(users.recordsManager, 'post', `/api/v1/disposal/offers/${offer.id}/execute`).expect(200);
      return offer;
    },
    batch: async (o = {}) => {
      if (!ingest) throw new Error('routeFixtures(records, tokens, ingest): the batch fixture needs the ingest app');
      const req = call(users.scanOperator, 'post', '/api/v1/batches', ingest).field('scanner', 'fixture');
      const res = await (o.unreadable ? req.attach('files', Buffer.from('kein Scan'), 'notiz.txt') : req.attach('files', pdf('Scan'), 'scan.pdf')).expect(202);
      return { id: res.body.id };
    },
    failedScan: async () => {
      if (!ingest) throw new Error('routeFixtures(records, tokens, ingest): the failedScan fixture needs the ingest app');
      const res = await call(users.scanOperator, 'post', '/api/v1/batches', ingest).field('scanner', 'fixture').attach('files', pdf('Scan'), 'scan.pdf').expect(202);
      const documentId = res.body.documents[0].id as string;
      await records.app.get(DataSource).query(`UPDATE documents SET status = 'failed', error = 'fixture: processing failed' WHERE id = $1`, [documentId]);
      return { batchId: res.body.id, documentId };
    },
  };
}
