import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { PUBLIC_WITHOUT_AUDIT } from './support/public-routes';
import { startApp, TestApp, users } from './support/app';
import { AppName, bearer, routeFixtures, servedBy, signUsers } from './support/audited-routes';
import { CORE_ROUTES, PERMISSION_MATRIX, PERSONAS, Persona } from './support/permission-matrix';

/** "METHOD /path" of every controller route an app serves (health, metrics and API docs are public on purpose). */
function registeredRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance();
  const stack: Array<{ route?: { path: string | string[]; methods: Record<string, boolean> } }> = (express.router ?? express._router).stack;
  const out = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || Object.keys(layer.route.methods).length > 1) continue;
    for (const p of Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]) {
      for (const [m, on] of Object.entries(layer.route.methods)) if (on) out.add(`${m.toUpperCase()} ${p}`);
    }
  }
  return [...out].filter((r) => !/^\w+ \/(health|metrics|api\/docs)/.test(r) && !PUBLIC_WITHOUT_AUDIT.includes(r)).sort();
}

interface AuditRow {
  action: string;
  outcome: string;
  actor_sub: string | null;
  object_id: string | null;
}

describe('permission matrix: every persona × every route (e2e)', () => {
  const apps = {} as Record<AppName, TestApp>;
  const routes = {} as Record<AppName, string[]>;
  let tokens: Map<string, string>;
  let ds: DataSource;
  let n = 0;

  beforeAll(async () => {
    apps['records-api'] = await startApp(RecordsApiModule);
    apps.ingest = await startApp(IngestAppModule, { seed: false });
    routes['records-api'] = registeredRoutes(apps['records-api'].app);
    routes.ingest = registeredRoutes(apps.ingest.app);
    tokens = await signUsers(apps['records-api']);
    ds = apps['records-api'].app.get(DataSource);
  });
  afterAll(async () => {
    await apps.ingest?.close();
    await apps['records-api']?.close();
  });

  const eventsOf = (requestId: string): Promise<AuditRow[]> =>
    ds.query('SELECT action, outcome, actor_sub, object_id FROM audit_events WHERE request_id = $1 ORDER BY seq', [requestId]);

  it('has a row for every registered route, and the records core is registered', () => {
    const registered = (Object.keys(routes) as AppName[]).flatMap((app) => routes[app].map((r) => `${app}: ${r}`));
    const core = CORE_ROUTES.map((r) => `${PERMISSION_MATRIX[r].app}: ${r}`);
    expect(registered).toEqual(expect.arrayContaining(core));
    // a route without a row is a route nobody proved to refuse the wrong people: add it to test/support/permission-matrix.ts
    const withoutRow = (Object.keys(routes) as AppName[]).flatMap((app) => routes[app].filter((r) => !PERMISSION_MATRIX[r] || !servedBy(PERMISSION_MATRIX[r]).includes(app)).map((r) => `${app}: ${r}`));
    expect(withoutRow).toEqual([]);
  });

  it('answers every cell with the expected status and audits it', async () => {
    const fixtures = routeFixtures(apps['records-api'], tokens, apps.ingest);
    const failures: string[] = [];
    let cells = 0;
    // a route served by two apps (the batch routes) is checked in each of them
    for (const [key, row, route] of Object.entries(PERMISSION_MATRIX).flatMap(([k, r]) => servedBy(r).map((app) => [app === r.app ? k : `${k} (${app})`, { ...r, app }, k] as const))) {
      if (!routes[row.app].includes(route)) continue; // row landed before its route
      for (const persona of Object.keys(PERSONAS) as Persona[]) {
        cells++;
        const user = PERSONAS[persona];
        const requestId = `perm-${process.pid}-${++n}`;
        const expected = row.expect[persona];
        let status: number;
        try {
          const res = await row.call({
            persona,
            fixtures,
            unique: `${process.pid % 1000}${n}`,
            request: (method, path) => {
              const r = apps[row.app].http()[method](path).set('X-Request-Id', requestId);
              return user ? r.set('Authorization', bearer(tokens, user)) : r;
            },
          });
          status = res.status;
        } catch (e) {
          failures.push(`${key} as ${persona}: request failed: ${(e as Error).message}`);
          continue;
        }
        if (status !== expected) {
          failures.push(`${key} as ${persona}: expected ${expected}, got ${status}`);
          continue;
        }
        const events = await eventsOf(requestId);
        if (status === 401) {
          if (!events.some((e) => e.action === 'auth.unauthenticated' && e.outcome === 'denied')) failures.push(`${key} as ${persona}: 401 without an auth.unauthenticated event`);
        } else if (status === 403 || status === 404) {
          const denied = events.find((e) => e.action === 'access.denied' && e.outcome === 'denied');
          if (!denied) failures.push(`${key} as ${persona}: ${status} without an access.denied event (found [${events.map((e) => e.action).join(', ')}])`);
          else if (denied.actor_sub !== user?.sub) failures.push(`${key} as ${persona}: denied event names ${denied.actor_sub}`);
        } else if (status < 300) {
          if (!events.some((e) => e.outcome === 'success' && e.actor_sub === user?.sub)) failures.push(`${key} as ${persona}: ${status} without a success event`);
          if (events.some((e) => e.outcome === 'denied')) failures.push(`${key} as ${persona}: allowed, yet a denied event was written`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cells).toBe(Object.keys(PERSONAS).length * Object.entries(PERMISSION_MATRIX).reduce((n, [k, row]) => n + servedBy(row).filter((app) => routes[app].includes(k)).length, 0));
  }, 180_000);

  it('lists only the caller\'s departments; records managers see all', async () => {
    const fixtures = routeFixtures(apps['records-api'], tokens);
    const cf32 = await fixtures.caseFile({ title: 'Ordnungsamt-Akte' });
    const cf50 = await fixtures.caseFile({ filePlanCode: '50.1.1', title: 'Sozialamt-Akte', user: users.caseworker50 });
    const list = async (user: (typeof users)[keyof typeof users]) => {
      const ids: string[] = [];
      const depts = new Set<string>();
      for (let page = 1; ; page++) {
        const res = await apps['records-api'].http().get(`/api/v1/case-files?page=${page}&pageSize=200`).set('Authorization', bearer(tokens, user)).expect(200);
        for (const c of res.body.items) {
          ids.push(c.id);
          depts.add(c.departmentCode);
        }
        if (page * 200 >= res.body.total) break;
      }
      return { ids, depts };
    };
    const anna = await list(users.caseworker32);
    expect([...anna.depts]).toEqual(['32']);
    expect(anna.ids).toContain(cf32.id);
    expect(anna.ids).not.toContain(cf50.id);
    const bernd = await list(users.caseworker50);
    expect([...bernd.depts]).toEqual(['50']);
    expect(bernd.ids).not.toContain(cf32.id);
    const rita = await list(users.recordsManager);
    expect(rita.ids).toEqual(expect.arrayContaining([cf32.id, cf50.id]));
  });

  it('does not reveal whether another department\'s object exists', async () => {
    const fixtures = routeFixtures(apps['records-api'], tokens);
    const doc = await fixtures.document();
    const auth = bearer(tokens, users.caseworker50);
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of ['/api/v1/case-files/:id', '/api/v1/documents/:id', '/api/v1/documents/:id/content']) {
      const id = path.startsWith('/api/v1/case-files') ? doc.caseFileId : doc.id;
      const hidden = await apps['records-api'].http().get(path.replace(':id', id)).set('Authorization', auth).expect(404);
      const absent = await apps['records-api'].http().get(path.replace(':id', missing)).set('Authorization', auth).expect(404);
      expect(hidden.body.error.code).toBe(absent.body.error.code);
      expect(hidden.body.error.message.replace(id, 'ID')).toBe(absent.body.error.message.replace(missing, 'ID'));
    }
  });
});
