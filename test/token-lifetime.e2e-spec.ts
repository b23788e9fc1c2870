import { SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { RecordsApiModule } from '../apps/records-api/src/records-api.module';
import { startApp, TestApp } from './support/app';

/**
 * Found by the fault suite (npm run test:faults, scenario tokens): a token whose `iat` claims it
 * was issued a minute before its `exp` a year ahead passed the AUTH_MAX_TOKEN_LIFETIME check.
 */
describe('bearer token lifetime is measured from now (issue 11)', () => {
  let api: TestApp;
  let ds: DataSource;
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (iat: number, exp: number) =>
    new SignJWT({ roles: ['caseworker'], departments: ['32'], name: 'Mallory' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(api.config.auth.jwtSecret!));

  beforeAll(async () => {
    api = await startApp(RecordsApiModule);
    ds = api.app.get(DataSource);
  });
  afterAll(() => api?.close());

  it('refuses (401, audited) a token living a year whose iat lies just before its exp', async () => {
    const year = now() + 365 * 86400;
    const requestId = `token-lifetime-${process.pid}-lying-iat`;
    await api.http().get('/api/v1/case-files?departmentCode=32').set('Authorization', `Bearer ${await sign(year - 60, year)}`).set('X-Request-Id', requestId).expect(401);
    const events = await ds.query('SELECT action, outcome FROM audit_events WHERE request_id = $1', [requestId]);
    expect(events).toEqual([{ action: 'auth.unauthenticated', outcome: 'denied' }]);
  });

  it('accepts a short token whose issuer clock runs a little ahead', async () => {
    await api.http().get('/api/v1/case-files?departmentCode=32').set('Authorization', `Bearer ${await sign(now() + 30, now() + 3600)}`).expect(200);
  });
});
