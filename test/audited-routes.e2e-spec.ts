import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IngestAppModule } from '../apps/ingest/src/ingest.module';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { PUBLIC_WITHOUT_AUDIT } from './support/public-routes';
import { startApp, TestApp, TestUser, users } from './support/app';
import { AUDITED_ROUTES, AppName, HttpMethod, RouteCallContext, bearer, routeFixtures, servedBy, signUsers } from './support/audited-routes';

/** "METHOD /path" of every route the app's HTTP adapter serves (Express 5 router). */
function registeredRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance();
  const stack: Array<{ route?: { path: string | string[]; methods: Record<string, boolean> } }> = (express.router ?? express._router).stack;
  const out = new Set<string>();
  for (const layer of stack) {
    // route-less layers are plain middleware; a route layer bound to every HTTP method is Nest's
    // middleware (e.g. the request logger on /{*path}); a controller route binds exactly one method
    if (!layer.route || Object.keys(layer.route.methods).length > 1) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const p of paths) {
      for (const [m, on] of Object.entries(layer.route.methods)) {
        if (on) out.add(`${m.toUpperCase()} ${p}`);
      }
    }
  }
  return [...out].filter((r) => !/^\w+ \/(health|metrics|api\/docs)/.test(r) && !PUBLIC_WITHOUT_AUDIT.includes(r)).sort();
}

describe('every route writes its audit event (table-driven)', () => {
  const apps = {} as Record<AppName, TestApp>;
  const routes = {} as Record<AppName, string[]>;
  let ds: DataSource;
  let n = 0;
  let tokens: Map<string, string>;

  beforeAll(async () => {
    apps['records-api'] = await startApp(RecordsApiModule);
    apps.ingest = await startApp(IngestAppModule, { seed: false });
    routes['records-api'] = registeredRoutes(apps['records-api'].app);
    routes.ingest = registeredRoutes(apps.ingest.app);
    ds = apps['records-api'].app.get(DataSource);
    tokens = await signUsers(apps['records-api']);
  });
  afterAll(async () => {
    await apps.ingest?.close();
    await apps['records-api']?.close();
  });

  const eventsOf = (requestId: string): Promise<Array<{ action: string; outcome: string; object_id: string | null; actor_sub: string | null }>> =>
    ds.query('SELECT action, outcome, object_id, actor_sub FROM audit_events WHERE request_id = $1 ORDER BY seq', [requestId]);
  const requestId = (label: string) => `audited-${process.pid}-${++n}-${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}`;
  const send = (app: AppName, user: TestUser | null, method: HttpMethod, path: string, id?: string) => {
    let r = apps[app].http()[method](path);
    if (user) r = r.set('Authorization', bearer(tokens, user));
    if (id) r = r.set('X-Request-Id', id);
    return r;
  };

  it('finds the routes of both apps (the enumeration itself works)', () => {
    expect(routes['records-api']).toEqual(expect.arrayContaining(['GET /api/v1/case-files/:id', 'POST /api/v1/case-files']));
    for (const list of Object.values(routes)) for (const r of list) expect(r).toMatch(/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \//);
  });

  it('has a table row for every registered route', () => {
    const missing = (Object.keys(routes) as AppName[]).flatMap((app) =>
      routes[app].filter((r) => !AUDITED_ROUTES[r] || !servedBy(AUDITED_ROUTES[r]).includes(app)).map((r) => `${app}: ${r}`),
    );
    // a route without a row is a route nobody proved to be audited: add it to test/support/audited-routes.ts
    expect(missing).toEqual([]);
  });

  it('writes the expected event for every registered route', async () => {
    const failures: string[] = [];
    const fixtures = routeFixtures(apps['records-api'], tokens, apps.ingest);
    let checked = 0;
    // a route served by two apps (the batch routes) is checked in each of them
    for (const [key, row, route] of Object.entries(AUDITED_ROUTES).flatMap(([k, r]) => servedBy(r).map((app) => [app === r.app ? k : `${k} (${app})`, { ...r, app }, k] as const))) {
      if (!routes[row.app].includes(route)) continue; // row landed before its route: nothing to check yet
      checked++;
      const id = requestId(key);
      const ctx: RouteCallContext = {
        t: apps[row.app],
        apps,
        requestId: id,
        fixtures,
        request: (method, path) => {
          const r = apps[row.app].http()[method](path).set('X-Request-Id', id);
          return row.user ? r.set('Authorization', bearer(tokens, row.user)) : r;
        },
        requestAs: (app, user, method, path) => send(app, user, method, path),
      };
      try {
        await row.call(ctx);
      } catch (e) {
        failures.push(`${key}: the call failed: ${(e as Error).message}`);
        continue;
      }
      const events = await eventsOf(id);
      const hit = events.find((e) => e.action === row.action);
      if (!hit) failures.push(`${key}: expected an event '${row.action}' with request id ${id}, found [${events.map((e) => e.action).join(', ')}]`);
      else if (row.user && hit.actor_sub !== row.user.sub) failures.push(`${key}: event names actor ${hit.actor_sub}, expected ${row.user.sub}`);
    }
    expect(failures).toEqual([]);
    // every registered route that has a row was exercised (routes without one fail the test above)
    expect(checked).toBe((Object.keys(routes) as AppName[]).reduce((n, app) => n + routes[app].filter((r) => AUDITED_ROUTES[r] && servedBy(AUDITED_ROUTES[r]).includes(app)).length, 0));
    expect(checked).toBeGreaterThan(0);
  });

  it('records a missing or invalid token as auth.unauthenticated', async () => {
    const id = requestId('anon');
    await send('records-api', null, 'get', '/api/v1/case-files', id).expect(401);
    expect(await eventsOf(id)).toEqual([expect.objectContaining({ action: 'auth.unauthenticated', outcome: 'denied', actor_sub: null })]);
    const bad = requestId('badtoken');
    await apps['records-api'].http().get('/api/v1/documents/00000000-0000-4000-8000-000000000000').set('Authorization', 'Bearer not.a.jwt').set('X-Request-Id', bad).expect(401);
    expect(await eventsOf(bad)).toEqual([expect.objectContaining({ action: 'auth.unauthenticated', outcome: 'denied' })]);
  });

  it('records a wrong role (403) as access.denied', async () => {
    const id = requestId('wrongrole');
    await send('records-api', users.scanOperator, 'get', '/api/v1/case-files', id).expect(403);
    expect(await eventsOf(id)).toEqual([expect.objectContaining({ action: 'access.denied', outcome: 'denied', actor_sub: users.scanOperator.sub, object_id: 'GET /api/v1/case-files' })]);
  });

  it('records another department\'s object (answered 404) as access.denied on that object', async () => {
    const cf = await routeFixtures(apps['records-api'], tokens).caseFile();
    const id = requestId('otherdept');
    const res = await send('records-api', users.caseworker50, 'get', `/api/v1/case-files/${cf.id}`, id).expect(404);
    expect(res.body.error.code).toBe('NotFound');
    expect(await eventsOf(id)).toEqual([expect.objectContaining({ action: 'access.denied', outcome: 'denied', actor_sub: users.caseworker50.sub, object_id: cf.id })]);
  });
});
