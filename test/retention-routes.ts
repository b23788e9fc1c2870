import { build0502, build0506 } from '@app/retention';
import { users } from './support/app';
import type { AuditedRoute, RouteCallContext } from './support/audited-routes';

/**
 * Rows of test/support/audited-routes.ts for the retention and disposal routes (spread into
 * AUDITED_ROUTES there). Disposal needs case files whose retention has ended: each fixture makes
 * its own file-plan unit with `years: 0`, files a closed case file there and sweeps, so nothing
 * else in the shared test database becomes due.
 */
let seq = 0;

async function dueCaseFile(c: RouteCallContext, disposal: 'destroy' | 'archive' | 'review' = 'review'): Promise<{ id: string; code: string; documentId: string }> {
  const code = `32.8.${process.pid}${++seq}${Date.now().toString(36)}`;
  await c.requestAs('records-api', users.recordsManager, 'post', '/api/v1/file-plan')
    .send({ code, title: 'Aussonderungstest', parentCode: '32', departmentCode: '32', retention: { years: 0, trigger: 'closed', disposal } })
    .expect(201);
  const cf = await c.fixtures.caseFile({ filePlanCode: code });
  const doc = await c.fixtures.document(cf.id);
  await c.requestAs('records-api', users.caseworker32, 'post', `/api/v1/case-files/${cf.id}/close`).expect(200);
  await new Promise((r) => setTimeout(r, 5)); // retainUntil = zdA date: let it pass
  await c.requestAs('records-api', users.recordsManager, 'post', '/api/v1/disposal/sweep').expect(200);
  return { id: cf.id, code, documentId: doc.id };
}

async function offer(c: RouteCallContext, disposal: 'destroy' | 'archive' | 'review' = 'review'): Promise<{ id: string; processId: string; caseFileId: string }> {
  const cf = await dueCaseFile(c, disposal);
  const res = await c.requestAs('records-api', users.recordsManager, 'post', '/api/v1/disposal/offers').send({ caseFileIds: [cf.id] }).expect(201);
  return { id: res.body.id, processId: res.body.processId, caseFileId: cf.id };
}

const header = (processId: string) => ({ processId, createdAt: new Date(), senderName: 'Stadtarchiv', archiveName: 'Stadtverwaltung' });

async function handedOver(c: RouteCallContext): Promise<{ id: string; processId: string; caseFileId: string }> {
  const o = await offer(c, 'archive');
  await c.requestAs('records-api', users.recordsManager, 'post', `/api/v1/disposal/offers/${o.id}/execute`).expect(200);
  return o;
}

const rm = users.recordsManager;

export const RETENTION_ROUTES: Record<string, AuditedRoute> = {
  // ---- records API: retention rules, legal holds, refused deletions --------------------------
  'PUT /api/v1/file-plan/:code/retention': {
    app: 'records-api',
    user: rm,
    action: 'retention.change',
    call: async (c) => {
      const code = `32.7.${process.pid}${++seq}${Date.now().toString(36)}`;
      await c.requestAs('records-api', rm, 'post', '/api/v1/file-plan')
        .send({ code, title: 'Fristtest', parentCode: '32', departmentCode: '32', retention: { years: 10, trigger: 'closed', disposal: 'destroy' } })
        .expect(201);
      await c.request('put', `/api/v1/file-plan/${code}/retention`).send({ years: 12, trigger: 'closed', disposal: 'archive', reason: 'neue Satzung' }).expect(200);
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
      const hold = await c.requestAs('records-api', rm, 'post', `/api/v1/case-files/${cf.id}/holds`).send({ reason: 'Klage VG' }).expect(201);
      await c.request('delete', `/api/v1/case-files/${cf.id}/holds/${hold.body.id}`).send({ reason: 'Verfahren beendet' }).expect(200);
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
      const cf = await dueCaseFile(c);
      await c.request('post', '/api/v1/disposal/offers').send({ caseFileIds: [cf.id] }).expect(201);
    },
  },
  'GET /api/v1/disposal/offers/:id': {
    app: 'records-api',
    user: rm,
    action: 'disposal.offer.read',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await offer(c)).id}`).expect(200),
  },
  'GET /api/v1/disposal/offers/:id/0501': {
    app: 'records-api',
    user: rm,
    action: 'disposal.export.0501',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await offer(c)).id}/0501`).expect(200),
  },
  'POST /api/v1/disposal/offers/:id/appraisal': {
    app: 'records-api',
    user: rm,
    action: 'disposal.appraisal',
    call: async (c) => {
      const o = await offer(c);
      const xml = build0502(header(o.processId), [{ id: o.caseFileId, code: 'A' }]);
      await c.request('post', `/api/v1/disposal/offers/${o.id}/appraisal`).set('Content-Type', 'application/xml').send(xml).expect(200);
    },
  },
  'POST /api/v1/disposal/offers/:id/execute': {
    app: 'records-api',
    user: rm,
    action: 'disposal.execute',
    call: async (c) => c.request('post', `/api/v1/disposal/offers/${(await offer(c, 'destroy')).id}/execute`).expect(200),
  },
  'GET /api/v1/disposal/offers/:id/0503': {
    app: 'records-api',
    user: rm,
    action: 'disposal.export.0503',
    call: async (c) => c.request('get', `/api/v1/disposal/offers/${(await handedOver(c)).id}/0503`).expect(200),
  },
  'POST /api/v1/disposal/offers/:id/confirmation': {
    app: 'records-api',
    user: rm,
    action: 'disposal.confirmation',
    call: async (c) => {
      const o = await handedOver(c);
      const xml = build0506(header(o.processId), [{ id: o.caseFileId, ok: true, archiveId: 'StA 1/2026' }]);
      await c.request('post', `/api/v1/disposal/offers/${o.id}/confirmation`).set('Content-Type', 'application/xml').send(xml).expect(200);
    },
  },
  'GET /api/v1/disposal/offers/:id/certificate': {
    app: 'records-api',
    user: rm,
    action: 'disposal.certificate.read',
    call: async (c) => {
      const o = await offer(c, 'destroy');
      await c.requestAs('records-api', rm, 'post', `/api/v1/disposal/offers/${o.id}/execute`).expect(200);
      await c.request('get', `/api/v1/disposal/offers/${o.id}/certificate`).query({ format: 'pdf' }).expect(200);
    },
  },
};
