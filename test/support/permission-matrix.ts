/**
 * The permission matrix: every HTTP route × every persona → the HTTP status it must answer.
 * test/permissions.e2e-spec.ts calls each cell, compares the status, and checks that every denied
 * call (401, 403, and 404 for another department's object) wrote a `denied` audit event and every
 * allowed call a `success` event under the call's request id. Every route either app registers
 * must have a row: a registered route without one fails the suite (and so do the routes of the
 * records core, CORE_ROUTES, when they are not registered). Add the row with the route.
 *
 * HOW TO ADD A ROW (one per route; keep rows grouped by feature):
 *   'POST /api/v1/things/:id/frob': {               // HTTP method + Nest route path, as registered
 *     app: 'records-api',                            // or 'ingest'
 *     call: async (c) => {                           // one request; build prerequisites first
 *       const cf = await c.fixtures.caseFile();       // fixtures belong to department 32 (anna)
 *       return c.request('post', `/api/v1/things/${cf.id}/frob`).send({ reason: 'x' });
 *     },                                             // return the request WITHOUT .expect()
 *     expect: { anonymous: 401, scanOperator: 403, own: 200, other: 404, recordsManager: 403, auditor: 403, admin: 403 },
 *   },
 * `c.request` sets the persona's bearer token (none for `anonymous`) and the request id. The call
 * runs once per persona, so create fresh prerequisites inside `call` when the route changes state
 * (RouteFixtures in test/support/audited-routes.ts makes them; add a fixture there if one is missing).
 * Use 404 (not 403) where another department's object must not even be known to exist. Expect
 * what the product must do, not what it happens to do: a cell that fails is a bug to fix.
 */
import type { Test } from 'supertest';
import type { TestUser } from './app';
import { users } from './app';
import type { AppName, HttpMethod, RouteFixtures } from './audited-routes';
import { appraisalXml, importConfirmationXml } from '../retention-routes';

export type Persona = 'anonymous' | 'scanOperator' | 'own' | 'other' | 'recordsManager' | 'auditor' | 'admin';

/** Who each persona is. Fixtures are created in department 32, so `own` is caseworker 32 and `other` caseworker 50. */
export const PERSONAS: Record<Persona, TestUser | null> = {
  anonymous: null,
  scanOperator: users.scanOperator,
  own: users.caseworker32,
  other: users.caseworker50,
  recordsManager: users.recordsManager,
  auditor: users.auditor,
  admin: users.admin,
};

export interface PermissionCallContext {
  persona: Persona;
  /** A request to the row's app as the persona, carrying the cell's request id. */
  request(method: HttpMethod, path: string): Test;
  fixtures: RouteFixtures;
  /** A value unique to this cell (for codes that must not collide). */
  unique: string;
}

export interface PermissionRow {
  app: AppName;
  /** Other apps that serve the same route; the row runs against each (see servedBy). */
  alsoServedBy?: AppName[];
  /** Returns the request (a supertest Test, or a promise of its response); the runner reads its status. */
  call(c: PermissionCallContext): PromiseLike<{ status: number }>;
  expect: Record<Persona, number>;
}

/** Any valid token may read (reference data). */
const anyone = (ok: number): Record<Persona, number> => ({ anonymous: 401, scanOperator: ok, own: ok, other: ok, recordsManager: ok, auditor: ok, admin: ok });
/** A department's object: its caseworkers work on it, other departments do not learn it exists, records managers see metadata. */
const caseworkerWork = (ok: number): Record<Persona, number> => ({ anonymous: 401, scanOperator: 403, own: ok, other: 404, recordsManager: 403, auditor: 403, admin: 403 });
const metadataRead = (ok: number): Record<Persona, number> => ({ anonymous: 401, scanOperator: 403, own: ok, other: 404, recordsManager: ok, auditor: 403, admin: 403 });
/** One role's work (the audit trail for auditors; retention, holds and disposal for records managers): every other persona is refused. */
const onlyFor = (persona: Exclude<Persona, 'anonymous' | 'own' | 'other'>, ok: number): Record<Persona, number> => ({
  anonymous: 401,
  scanOperator: 403,
  own: 403,
  other: 403,
  recordsManager: 403,
  auditor: 403,
  admin: 403,
  [persona]: ok,
});
/**
 * Records are never deleted one by one: whoever may see the record gets the audited refusal (409);
 * whoever may not (other departments, and roles that see no records) does not learn it exists.
 */
const refusedDeletion: Record<Persona, number> = { anonymous: 401, scanOperator: 404, own: 409, other: 404, recordsManager: 409, auditor: 404, admin: 404 };
/** A scan batch: the scan operator who uploaded it and administrators; no one else. */
const batchRead = (ok: number): Record<Persona, number> => ({ anonymous: 401, scanOperator: ok, own: 403, other: 403, recordsManager: 403, auditor: 403, admin: ok });

export const PERMISSION_MATRIX: Record<string, PermissionRow> = {
  // ---- departments and file plan ---------------------------------------------------------------
  'GET /api/v1/departments': { app: 'records-api', call: (c) => c.request('get', '/api/v1/departments'), expect: anyone(200) },
  'POST /api/v1/departments': {
    app: 'records-api',
    call: (c) => c.request('post', '/api/v1/departments').send({ code: `P${c.unique}`, name: 'Testamt' }),
    expect: { anonymous: 401, scanOperator: 403, own: 403, other: 403, recordsManager: 403, auditor: 403, admin: 201 },
  },
  'GET /api/v1/file-plan': { app: 'records-api', call: (c) => c.request('get', '/api/v1/file-plan'), expect: anyone(200) },
  'POST /api/v1/file-plan': {
    app: 'records-api',
    call: (c) =>
      c.request('post', '/api/v1/file-plan').send({ code: `32.8.${c.unique}`, title: 'Testeinheit', parentCode: '32', departmentCode: '32', retention: { years: 10, trigger: 'closed', disposal: 'destroy' } }),
    expect: { anonymous: 401, scanOperator: 403, own: 403, other: 403, recordsManager: 201, auditor: 403, admin: 201 },
  },

  // ---- case files --------------------------------------------------------------------------------
  'GET /api/v1/case-files': {
    app: 'records-api',
    // asks for department 32 explicitly: the other department's caseworker is refused
    call: (c) => c.request('get', '/api/v1/case-files?departmentCode=32'),
    expect: { anonymous: 401, scanOperator: 403, own: 200, other: 403, recordsManager: 200, auditor: 403, admin: 403 },
  },
  'POST /api/v1/case-files': {
    app: 'records-api',
    call: (c) => c.request('post', '/api/v1/case-files').send({ filePlanCode: '32.1.2', title: 'Gaststättenerlaubnis' }),
    expect: { anonymous: 401, scanOperator: 403, own: 201, other: 403, recordsManager: 403, auditor: 403, admin: 403 },
  },
  'GET /api/v1/case-files/:id': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}`),
    expect: metadataRead(200),
  },
  'POST /api/v1/case-files/:id/close': {
    app: 'records-api',
    call: async (c) => c.request('post', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}/close`),
    expect: caseworkerWork(200),
  },
  'POST /api/v1/case-files/:id/reopen': {
    app: 'records-api',
    call: async (c) => c.request('post', `/api/v1/case-files/${(await c.fixtures.closedCaseFile()).id}/reopen`).send({ reason: 'Widerspruch eingegangen' }),
    expect: caseworkerWork(200),
  },
  'PATCH /api/v1/case-files/:id': {
    app: 'records-api',
    call: async (c) => c.request('patch', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}`).send({ confidentiality: 'confidential' }),
    expect: caseworkerWork(200),
  },

  // ---- Vorgänge ----------------------------------------------------------------------------------
  'POST /api/v1/case-files/:id/vorgaenge': {
    app: 'records-api',
    call: async (c) => c.request('post', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}/vorgaenge`).send({ title: 'Widerspruch' }),
    expect: caseworkerWork(201),
  },
  'PATCH /api/v1/vorgaenge/:id': {
    app: 'records-api',
    call: async (c) => c.request('patch', `/api/v1/vorgaenge/${(await c.fixtures.vorgang()).id}`).send({ title: 'Antrag 2026' }),
    expect: caseworkerWork(200),
  },

  // ---- documents ---------------------------------------------------------------------------------
  'POST /api/v1/case-files/:id/documents': {
    app: 'records-api',
    call: async (c) => {
      const cf = await c.fixtures.caseFile();
      return c.request('post', `/api/v1/case-files/${cf.id}/documents`).field('title', 'Antrag').attach('file', c.fixtures.pdf('Antrag'), 'antrag.pdf');
    },
    expect: caseworkerWork(201),
  },
  'GET /api/v1/documents/:id': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/documents/${(await c.fixtures.document()).id}`),
    expect: metadataRead(200),
  },
  'PATCH /api/v1/documents/:id': {
    app: 'records-api',
    call: async (c) => c.request('patch', `/api/v1/documents/${(await c.fixtures.document()).id}`).send({ title: 'Antrag vom 3. März' }),
    expect: caseworkerWork(200),
  },
  'POST /api/v1/documents/:id/move': {
    app: 'records-api',
    call: async (c) => {
      const doc = await c.fixtures.document();
      const v = await c.fixtures.vorgang(doc.caseFileId);
      return c.request('post', `/api/v1/documents/${doc.id}/move`).send({ vorgangId: v.id, reason: 'gehört zum Antrag' });
    },
    expect: caseworkerWork(200),
  },
  'GET /api/v1/documents/:id/content': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/documents/${(await c.fixtures.document()).id}/content`),
    expect: caseworkerWork(200),
  },
  'GET /api/v1/documents/:id/text': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/documents/${(await c.fixtures.document()).id}/text`),
    expect: caseworkerWork(200),
  },
  'POST /api/v1/documents/:id/versions': {
    app: 'records-api',
    call: async (c) => {
      const doc = await c.fixtures.document();
      return c.request('post', `/api/v1/documents/${doc.id}/versions`).field('comment', 'korrigiert').attach('file', c.fixtures.pdf('v2'), 'v2.pdf');
    },
    expect: caseworkerWork(201),
  },

  // ---- search ------------------------------------------------------------------------------------
  'GET /api/v1/search': {
    app: 'records-api',
    // department 32 asked for by name: caseworker 50 is refused (403), records managers may not read content
    call: (c) => c.request('get', '/api/v1/search?q=Antrag&departmentCode=32'),
    expect: { anonymous: 401, scanOperator: 403, own: 200, other: 403, recordsManager: 403, auditor: 403, admin: 403 },
  },

  // ---- audit trail: a case file's history; query, export and verification for auditors ------------
  'GET /api/v1/case-files/:id/history': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}/history`),
    // the department's caseworkers and the overseers (records managers, auditors)
    expect: { anonymous: 401, scanOperator: 403, own: 200, other: 404, recordsManager: 200, auditor: 200, admin: 403 },
  },
  'GET /api/v1/audit/events': { app: 'records-api', call: (c) => c.request('get', '/api/v1/audit/events?limit=5'), expect: onlyFor('auditor', 200) },
  'GET /api/v1/audit/export': {
    app: 'records-api',
    call: (c) => c.request('get', '/api/v1/audit/export?format=jsonl&action=case_file.create'),
    expect: onlyFor('auditor', 200),
  },
  'GET /api/v1/audit/verify': { app: 'records-api', call: (c) => c.request('get', '/api/v1/audit/verify'), expect: onlyFor('auditor', 200) },

  // ---- dashboards (issue 14): each role's own; caseworkers' figures are of their own departments --
  'GET /api/v1/dashboards/scan-centre': {
    app: 'records-api',
    call: (c) => c.request('get', '/api/v1/dashboards/scan-centre?days=7'),
    // admins see all batches, so the scan centre's figures too
    expect: { ...onlyFor('scanOperator', 200), admin: 200 },
  },
  'GET /api/v1/dashboards/caseworker': {
    app: 'records-api',
    call: (c) => c.request('get', '/api/v1/dashboards/caseworker?days=7'),
    // no department is named in the request: each caseworker gets their own departments' figures
    expect: { anonymous: 401, scanOperator: 403, own: 200, other: 200, recordsManager: 403, auditor: 403, admin: 403 },
  },
  'GET /api/v1/dashboards/records-manager': { app: 'records-api', call: (c) => c.request('get', '/api/v1/dashboards/records-manager?years=5'), expect: onlyFor('recordsManager', 200) },
  'GET /api/v1/dashboards/auditor': { app: 'records-api', call: (c) => c.request('get', '/api/v1/dashboards/auditor?days=7'), expect: onlyFor('auditor', 200) },

  // ---- ingest service: scan batches ---------------------------------------------------------------
  'POST /api/v1/batches': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    call: (c) => c.request('post', '/api/v1/batches').field('scanner', 'permission-test').attach('files', c.fixtures.pdf('Scan'), 'scan.pdf'),
    expect: onlyFor('scanOperator', 202),
  },
  'GET /api/v1/batches': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    // the caller's own batches (every batch for administrators)
    call: (c) => c.request('get', '/api/v1/batches?pageSize=5'),
    expect: batchRead(200),
  },
  'GET /api/v1/batches/:id': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    call: async (c) => c.request('get', `/api/v1/batches/${(await c.fixtures.batch()).id}`),
    expect: batchRead(200),
  },
  'GET /api/v1/batches/:id/capture': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    call: async (c) => c.request('get', `/api/v1/batches/${(await c.fixtures.batch()).id}/capture`),
    expect: batchRead(200),
  },
  'GET /api/v1/batches/:id/events': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    // a batch of one unreadable file is complete at once, so the event stream ends by itself
    call: async (c) => c.request('get', `/api/v1/batches/${(await c.fixtures.batch({ unreadable: true })).id}/events`),
    expect: batchRead(200),
  },
  'POST /api/v1/batches/:id/documents/:documentId/retry': {
    app: 'ingest',
    alsoServedBy: ['records-api'],
    call: async (c) => {
      const { batchId, documentId } = await c.fixtures.failedScan();
      return c.request('post', `/api/v1/batches/${batchId}/documents/${documentId}/retry`);
    },
    expect: batchRead(202),
  },

  // ---- review inbox -------------------------------------------------------------------------------
  'GET /api/v1/inbox': {
    app: 'records-api',
    // department 32 asked for by name: caseworker 50 is refused; the inbox shows OCR text, so not to records managers
    call: (c) => c.request('get', '/api/v1/inbox?departmentCode=32'),
    expect: { anonymous: 401, scanOperator: 403, own: 200, other: 403, recordsManager: 403, auditor: 403, admin: 403 },
  },
  'POST /api/v1/documents/:id/filing': {
    app: 'records-api',
    call: async (c) => {
      const doc = await c.fixtures.inboxDocument();
      return c.request('post', `/api/v1/documents/${doc.id}/filing`).send({ caseFileId: doc.caseFileId });
    },
    expect: caseworkerWork(200),
  },
  'POST /api/v1/documents/:id/forward': {
    app: 'records-api',
    call: async (c) => c.request('post', `/api/v1/documents/${(await c.fixtures.inboxDocument()).id}/forward`).send({ departmentCode: '50', comment: 'Zuständigkeit Sozialamt' }),
    expect: caseworkerWork(200),
  },

  // ---- retention rules and legal holds ------------------------------------------------------------
  'PUT /api/v1/file-plan/:code/retention': {
    app: 'records-api',
    call: async (c) => {
      const code = await c.fixtures.filePlanUnit();
      return c.request('put', `/api/v1/file-plan/${code}/retention`).send({ years: 12, trigger: 'closed', disposal: 'archive', reason: 'neue Satzung' });
    },
    expect: onlyFor('recordsManager', 200),
  },
  'GET /api/v1/file-plan/:code/retention/preview': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/file-plan/${await c.fixtures.filePlanUnit()}/retention/preview`).query({ years: 12, trigger: 'closed' }),
    expect: onlyFor('recordsManager', 200),
  },
  'GET /api/v1/holds': { app: 'records-api', call: (c) => c.request('get', '/api/v1/holds'), expect: onlyFor('recordsManager', 200) },
  'POST /api/v1/case-files/:id/holds': {
    app: 'records-api',
    call: async (c) => c.request('post', `/api/v1/case-files/${(await c.fixtures.caseFile()).id}/holds`).send({ reason: 'Klage VG', reference: 'VG 1 K 1/26' }),
    expect: onlyFor('recordsManager', 201),
  },
  'DELETE /api/v1/case-files/:id/holds/:holdId': {
    app: 'records-api',
    call: async (c) => {
      const cf = await c.fixtures.caseFile();
      const hold = await c.fixtures.legalHold(cf.id);
      return c.request('delete', `/api/v1/case-files/${cf.id}/holds/${hold.id}`).send({ reason: 'Verfahren beendet' });
    },
    expect: onlyFor('recordsManager', 200),
  },
  'GET /api/v1/case-files/:id/holds': {
    app: 'records-api',
    call: async (c) => {
      const cf = await c.fixtures.caseFile();
      await c.fixtures.legalHold(cf.id);
      return c.request('get', `/api/v1/case-files/${cf.id}/holds`);
    },
    expect: metadataRead(200),
  },

  // ---- refused deletions (409 RetentionNotExpired for whoever may see the record) -----------------
  'DELETE /api/v1/case-files/:id': {
    app: 'records-api',
    call: async (c) => c.request('delete', `/api/v1/case-files/${(await c.fixtures.closedCaseFile()).id}`).send({ reason: 'aufräumen' }),
    expect: refusedDeletion,
  },
  'DELETE /api/v1/documents/:id': {
    app: 'records-api',
    call: async (c) => c.request('delete', `/api/v1/documents/${(await c.fixtures.document()).id}`),
    expect: refusedDeletion,
  },
  'DELETE /api/v1/documents/:id/versions/:versionNo': {
    app: 'records-api',
    call: async (c) => c.request('delete', `/api/v1/documents/${(await c.fixtures.document()).id}/versions/1`),
    expect: refusedDeletion,
  },

  // ---- disposal (Aussonderung): records managers only ----------------------------------------------
  'POST /api/v1/disposal/sweep': { app: 'records-api', call: (c) => c.request('post', '/api/v1/disposal/sweep'), expect: onlyFor('recordsManager', 200) },
  'GET /api/v1/disposal/due': { app: 'records-api', call: (c) => c.request('get', '/api/v1/disposal/due'), expect: onlyFor('recordsManager', 200) },
  'POST /api/v1/disposal/offers': {
    app: 'records-api',
    call: async (c) => c.request('post', '/api/v1/disposal/offers').send({ caseFileIds: [(await c.fixtures.dueCaseFile()).id] }),
    expect: onlyFor('recordsManager', 201),
  },
  'GET /api/v1/disposal/offers': { app: 'records-api', call: (c) => c.request('get', '/api/v1/disposal/offers'), expect: onlyFor('recordsManager', 200) },
  'POST /api/v1/disposal/offers/:id/appraisal/preview': {
    app: 'records-api',
    call: async (c) => {
      const offer = await c.fixtures.disposalOffer();
      return c.request('post', `/api/v1/disposal/offers/${offer.id}/appraisal/preview`).set('Content-Type', 'application/xml').send(appraisalXml(offer));
    },
    expect: onlyFor('recordsManager', 200),
  },
  'GET /api/v1/disposal/offers/:id': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await c.fixtures.disposalOffer()).id}`),
    expect: onlyFor('recordsManager', 200),
  },
  'GET /api/v1/disposal/offers/:id/0501': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await c.fixtures.disposalOffer()).id}/0501`),
    expect: onlyFor('recordsManager', 200),
  },
  'POST /api/v1/disposal/offers/:id/appraisal': {
    app: 'records-api',
    call: async (c) => {
      const offer = await c.fixtures.disposalOffer();
      return c.request('post', `/api/v1/disposal/offers/${offer.id}/appraisal`).set('Content-Type', 'application/xml').send(appraisalXml(offer));
    },
    expect: onlyFor('recordsManager', 200),
  },
  'POST /api/v1/disposal/offers/:id/execute': {
    app: 'records-api',
    call: async (c) => c.request('post', `/api/v1/disposal/offers/${(await c.fixtures.disposalOffer('destroy')).id}/execute`),
    expect: onlyFor('recordsManager', 200),
  },
  'GET /api/v1/disposal/offers/:id/0503': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await c.fixtures.executedOffer('archive')).id}/0503`),
    expect: onlyFor('recordsManager', 200),
  },
  'POST /api/v1/disposal/offers/:id/confirmation': {
    app: 'records-api',
    call: async (c) => {
      const offer = await c.fixtures.executedOffer('archive');
      return c.request('post', `/api/v1/disposal/offers/${offer.id}/confirmation`).set('Content-Type', 'application/xml').send(importConfirmationXml(offer));
    },
    expect: onlyFor('recordsManager', 200),
  },
  'GET /api/v1/disposal/offers/:id/certificate': {
    app: 'records-api',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await c.fixtures.executedOffer('destroy')).id}/certificate?format=pdf`),
    expect: onlyFor('recordsManager', 200),
  },

  // ---- browser sign-in (GET /auth/login and GET /api/v1/session/options are public, like /health) --
  'GET /api/v1/session': { app: 'records-api', call: (c) => c.request('get', '/api/v1/session'), expect: anyone(200) },
  // the issuer's answer, for anyone: here a refusal, which ends at the sign-in page
  'GET /auth/callback': {
    app: 'records-api',
    call: (c) => c.request('get', '/auth/callback?error=access_denied&state=abc'),
    expect: { anonymous: 302, scanOperator: 302, own: 302, other: 302, recordsManager: 302, auditor: 302, admin: 302 },
  },
  // ends a browser session: a bearer token is none (400 with the reason)
  'POST /auth/logout': {
    app: 'records-api',
    call: (c) => c.request('post', '/auth/logout'),
    expect: { anonymous: 401, scanOperator: 400, own: 400, other: 400, recordsManager: 400, auditor: 400, admin: 400 },
  },
};

/** The routes of the records core (issue 2): each must be registered and have a row above. */
export const CORE_ROUTES = [
  'GET /api/v1/departments',
  'POST /api/v1/departments',
  'GET /api/v1/file-plan',
  'POST /api/v1/file-plan',
  'GET /api/v1/case-files',
  'POST /api/v1/case-files',
  'GET /api/v1/case-files/:id',
  'POST /api/v1/case-files/:id/close',
  'POST /api/v1/case-files/:id/reopen',
  'POST /api/v1/case-files/:id/documents',
  'GET /api/v1/documents/:id',
  'GET /api/v1/documents/:id/content',
  'GET /api/v1/documents/:id/text',
  'POST /api/v1/documents/:id/versions',
  'PATCH /api/v1/case-files/:id',
  'POST /api/v1/case-files/:id/vorgaenge',
  'PATCH /api/v1/vorgaenge/:id',
  'PATCH /api/v1/documents/:id',
  'POST /api/v1/documents/:id/move',
];
