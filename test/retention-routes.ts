import { build0502, build0506 } from '@app/retention';
import { users } from './support/app';
import type { AuditedRoute, OfferFixture } from './support/audited-routes';

/**
 * Rows of test/support/audited-routes.ts for the retention and disposal routes (spread into
 * AUDITED_ROUTES there). Their prerequisites (file-plan units, holds, due case files, offers) are
 * fixtures of RouteFixtures; a due case file sits in a file-plan unit of its own with `years: 0`,
 * so nothing else in the shared test database becomes due.
 */
const header = (processId: string) => ({ processId, createdAt: new Date(), senderName: 'Stadtarchiv', archiveName: 'Stadtverwaltung' });

/** The archive's appraisal (xdomea 0502) of an offer: keep (A) its case file. */
export const appraisalXml = (offer: OfferFixture): string => build0502(header(offer.processId), [{ id: offer.caseFileId, code: 'A' }]);

/** The archive's import confirmation (xdomea 0506) of a handed-over offer. */
export const importConfirmationXml = (offer: OfferFixture): string => build0506(header(offer.processId), [{ id: offer.caseFileId, ok: true, archiveId: 'StA 1/2026' }]);

const rm = users.recordsManager;

export const RETENTION_ROUTES: Record<string, AuditedRoute> = {
  // ---- records API: retention rules, legal holds, refused deletions --------------------------
  'PUT /api/v1/file-plan/:code/retention': {
    app: 'records-api',
    user: rm,
    action: 'retention.change',
    call: async (c) => {
      const code = await c.fixtures.filePlanUnit();
      await c.request('put', `/api/v1/file-plan/${code}/retention`).send({ years: 12, trigger: 'closed', disposal: 'archive', reason: 'neue Satzung' }).expect(200);
    },
  },
  'GET /api/v1/file-plan/:code/retention/preview': {
    app: 'records-api',
    user: rm,
    action: 'retention.preview',
    call: async (c) => {
      const code = await c.fixtures.filePlanUnit();
      await c.request('get', `/api/v1/file-plan/${code}/retention/preview`).query({ years: 12, trigger: 'closed' }).expect(200);
    },
  },
  'POST /api/v1/case-files/:id/holds': {
    app: 'records-api',
    user: rm,
    action: 'hold.set',
    call: async (c) => {
      const cf = await c.fixtures.caseFile();
      await c.request('post', `/api/v1/case-files/${cf.id}/holds`).send({ reason: 'Klage VG', reference: 'VG 1 K 1/26' }).expect(201);
    },
  },
  'DELETE /api/v1/case-files/:id/holds/:holdId': {
    app: 'records-api',
    user: rm,
    action: 'hold.lift',
    call: async (c) => {
      const cf = await c.fixtures.caseFile();
      const hold = await c.fixtures.legalHold(cf.id);
      await c.request('delete', `/api/v1/case-files/${cf.id}/holds/${hold.id}`).send({ reason: 'Verfahren beendet' }).expect(200);
    },
  },
  'GET /api/v1/case-files/:id/holds': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'hold.list',
    call: async (c) => {
      const cf = await c.fixtures.caseFile();
      await c.request('get', `/api/v1/case-files/${cf.id}/holds`).expect(200);
    },
  },
  'GET /api/v1/holds': { app: 'records-api', user: rm, action: 'hold.list.active', call: (c) => c.request('get', '/api/v1/holds').expect(200) },
  'DELETE /api/v1/case-files/:id': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'case_file.delete',
    call: async (c) => {
      const cf = await c.fixtures.closedCaseFile();
      await c.request('delete', `/api/v1/case-files/${cf.id}`).send({ reason: 'aufräumen' }).expect(409);
    },
  },
  'DELETE /api/v1/documents/:id': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.delete',
    call: async (c) => {
      const doc = await c.fixtures.document();
      await c.request('delete', `/api/v1/documents/${doc.id}`).expect(409);
    },
  },
  'DELETE /api/v1/documents/:id/versions/:versionNo': {
    app: 'records-api',
    user: users.caseworker32,
    action: 'document.version.delete',
    call: async (c) => {
      const doc = await c.fixtures.document();
      await c.request('delete', `/api/v1/documents/${doc.id}/versions/1`).expect(409);
    },
  },
  // ---- records API: disposal (Aussonderung) ----------------------------------------------------
  'POST /api/v1/disposal/sweep': { app: 'records-api', user: rm, action: 'retention.sweep', call: (c) => c.request('post', '/api/v1/disposal/sweep').expect(200) },
  'GET /api/v1/disposal/due': { app: 'records-api', user: rm, action: 'disposal.due.list', call: (c) => c.request('get', '/api/v1/disposal/due').expect(200) },
  'POST /api/v1/disposal/offers': {
    app: 'records-api',
    user: rm,
    action: 'disposal.offer.create',
    call: async (c) => {
      const cf = await c.fixtures.dueCaseFile();
      await c.request('post', '/api/v1/disposal/offers').send({ caseFileIds: [cf.id] }).expect(201);
    },
  },
  'GET /api/v1/disposal/offers': { app: 'records-api', user: rm, action: 'disposal.offer.list', call: (c) => c.request('get', '/api/v1/disposal/offers').expect(200) },
  'POST /api/v1/disposal/offers/:id/appraisal/preview': {
    app: 'records-api',
    user: rm,
    action: 'disposal.appraisal.preview',
    call: async (c) => {
      const o = await c.fixtures.disposalOffer();
      await c.request('post', `/api/v1/disposal/offers/${o.id}/appraisal/preview`).set('Content-Type', 'application/xml').send(appraisalXml(o)).expect(200);
    },
  },
  'GET /api/v1/disposal/offers/:id': {
    app: 'records-api',
    user: rm,
    action: 'disposal.offer.read',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await c.fixtures.disposalOffer()).id}`).expect(200),
  },
  'GET /api/v1/disposal/offers/:id/0501': {
    app: 'records-api',
    user: rm,
    action: 'disposal.export.0501',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await c.fixtures.disposalOffer()).id}/0501`).expect(200),
  },
  'POST /api/v1/disposal/offers/:id/appraisal': {
    app: 'records-api',
    user: rm,
    action: 'disposal.appraisal',
    call: async (c) => {
      const o = await c.fixtures.disposalOffer();
      await c.request('post', `/api/v1/disposal/offers/${o.id}/appraisal`).set('Content-Type', 'application/xml').send(appraisalXml(o)).expect(200);
    },
  },
  'POST /api/v1/disposal/offers/:id/execute': {
    app: 'records-api',
    user: rm,
    action: 'disposal.execute',
    call: async (c) => c.request('post', `/api/v1/disposal/offers/${(await c.fixtures.disposalOffer('destroy')).id}/execute`).expect(200),
  },
  'GET /api/v1/disposal/offers/:id/0503': {
    app: 'records-api',
    user: rm,
    action: 'disposal.export.0503',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await c.fixtures.executedOffer('archive')).id}/0503`).expect(200),
  },
  'POST /api/v1/disposal/offers/:id/confirmation': {
    app: 'records-api',
    user: rm,
    action: 'disposal.confirmation',
    call: async (c) => {
      const o = await c.fixtures.executedOffer('archive');
      await c.request('post', `/api/v1/disposal/offers/${o.id}/confirmation`).set('Content-Type', 'application/xml').send(importConfirmationXml(o)).expect(200);
    },
  },
  'GET /api/v1/disposal/offers/:id/certificate': {
    app: 'records-api',
    user: rm,
    action: 'disposal.certificate.read',
    call: async (c) => {
      const o = await c.fixtures.executedOffer('destroy');
      await c.request('get', `/api/v1/disposal/offers/${o.id}/certificate`).query({ format: 'pdf' }).expect(200);
    },
  },
};
