import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ControllableClock, Role } from '@app/common';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { WebSessionRepository } from './web-session.repository';
import { TOUCH_EVERY_MS, WebSessionService, csrfMatches } from './web-session.service';

/**
 * Browser sessions against the run's real PostgreSQL, with a clock the test moves. The clock stands
 * in the past, so the sweep at sign-in never removes live sessions of suites running beside this one.
 */
describe('WebSessionService (integration)', () => {
  const config = loadConfig({ ...process.env, SESSION_TTL_MINUTES: '30', SESSION_IDLE_MINUTES: '10' });
  const clock = new ControllableClock(new Date('2020-05-04T08:00:00Z'));
  let ds: DataSource;
  let sessions: WebSessionService;
  const actor = { sub: `ws-${process.pid}`, name: 'Anna Ordnung', roles: [Role.Caseworker], departments: ['32'] };
  const at = (minutes: number) => clock.set(new Date(Date.parse('2020-05-04T08:00:00Z') + minutes * 60_000));
  const row = async (id: string) => (await ds.query('SELECT last_seen_at, idle_expires_at, expires_at, id_token FROM web_sessions WHERE id = $1', [id]))[0];

  beforeAll(async () => {
    ds = await new DataSource(dataSourceOptions(config)).initialize();
    sessions = new WebSessionService(new WebSessionRepository(ds), config, clock);
  });
  afterAll(async () => {
    await ds.query('DELETE FROM web_sessions WHERE actor_sub = $1', [actor.sub]);
    await ds.destroy();
  });

  it('stores only the hash of the cookie value and finds the session by it', async () => {
    at(0);
    const s = await sessions.transaction((m) => sessions.create(m, actor, 'header.payload.signature'));
    expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [stored] = await ds.query('SELECT token_sha256 FROM web_sessions WHERE id = $1', [s.id]);
    expect(stored.token_sha256.equals(createHash('sha256').update(s.token).digest())).toBe(true);
    expect((await sessions.authenticate(s.token)).actor).toEqual(actor);
    await expect(sessions.authenticate(`${s.token.slice(0, -1)}${s.token.endsWith('A') ? 'B' : 'A'}`)).rejects.toMatchObject({ code: 'Unauthenticated' });
    await expect(sessions.authenticate('not a token')).rejects.toMatchObject({ code: 'Unauthenticated' });
    expect(csrfMatches(s, s.csrfToken)).toBe(true);
    expect(csrfMatches(s, `${s.csrfToken}x`)).toBe(false);
    expect(csrfMatches(s, undefined)).toBe(false);
  });

  it('writes last seen at most once a minute and moves the idle expiry with it', async () => {
    at(0);
    const s = await sessions.transaction((m) => sessions.create(m, actor, null));
    const created = await row(s.id);
    expect(created.idle_expires_at.toISOString()).toBe('2020-05-04T08:10:00.000Z');
    clock.set(new Date(clock.now().getTime() + TOUCH_EVERY_MS - 1000));
    await sessions.authenticate(s.token);
    expect((await row(s.id)).last_seen_at.getTime()).toBe(created.last_seen_at.getTime()); // no write within the minute
    at(5);
    const seen = await sessions.authenticate(s.token);
    expect((await row(s.id)).idle_expires_at.toISOString()).toBe('2020-05-04T08:15:00.000Z');
    expect(seen.expiresAt.toISOString()).toBe('2020-05-04T08:15:00.000Z');
  });

  it('ends a session after its idle time, and after its absolute lifetime however busy, removing the row', async () => {
    at(0);
    const idle = await sessions.transaction((m) => sessions.create(m, actor, null));
    at(10);
    await expect(sessions.authenticate(idle.token)).rejects.toMatchObject({ code: 'Unauthenticated', message: 'session expired' });
    expect(await row(idle.id)).toBeUndefined();

    at(0);
    const busy = await sessions.transaction((m) => sessions.create(m, actor, null));
    for (let minute = 5; minute < 30; minute += 5) {
      at(minute);
      await sessions.authenticate(busy.token);
    }
    expect((await row(busy.id)).idle_expires_at.toISOString()).toBe('2020-05-04T08:30:00.000Z'); // never past the absolute expiry
    at(30);
    await expect(sessions.authenticate(busy.token)).rejects.toMatchObject({ code: 'Unauthenticated' });
    expect(await row(busy.id)).toBeUndefined();
  });

  it('sweeps expired sessions at the next sign-in and returns the ID token when ending one', async () => {
    at(0);
    const old = await sessions.transaction((m) => sessions.create(m, actor, null));
    at(45);
    const fresh = await sessions.transaction((m) => sessions.create(m, actor, 'id.token.value'));
    expect(await row(old.id)).toBeUndefined();
    await expect(sessions.transaction((m) => sessions.end(m, fresh.id))).resolves.toEqual({ idToken: 'id.token.value' });
    await expect(sessions.transaction((m) => sessions.end(m, fresh.id))).resolves.toBeUndefined();
    await expect(sessions.authenticate(fresh.token)).rejects.toMatchObject({ code: 'Unauthenticated' });
  });
});
