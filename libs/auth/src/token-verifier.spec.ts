import { loadConfig } from '@app/config';
import { Role } from '@app/common';
import { SignJWT } from 'jose';
import { TokenVerifier, signDevToken } from './token-verifier';

describe('TokenVerifier', () => {
  const config = loadConfig({ AUTH_JWT_SECRET: 'a-test-secret-of-sufficient-length' });
  const verifier = new TokenVerifier(config);

  it('accepts a token it signed and maps the claims', async () => {
    const token = await signDevToken(config, { sub: 'anna', name: 'Anna A.', roles: ['caseworker', 'bogus'], departments: ['32'] });
    await expect(verifier.verify(token)).resolves.toEqual({ sub: 'anna', name: 'Anna A.', roles: [Role.Caseworker], departments: ['32'] });
  });

  it('rejects a token signed with another secret', async () => {
    const other = loadConfig({ AUTH_JWT_SECRET: 'another-secret-of-sufficient-len' });
    const token = await signDevToken(other, { sub: 'mallory', roles: ['admin'], departments: [] });
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'Unauthenticated' });
  });

  it('reads configurable and nested claim names', () => {
    const kc = new TokenVerifier(loadConfig({ AUTH_JWT_SECRET: 'a-test-secret-of-sufficient-length', AUTH_CLAIM_ROLES: 'realm_access.roles', AUTH_CLAIM_DEPARTMENTS: 'dept' }));
    expect(kc.toActor({ sub: 'x', realm_access: { roles: ['auditor'] }, dept: '20 32' })).toEqual({ sub: 'x', name: 'x', roles: [Role.Auditor], departments: ['20', '32'] });
  });

  it('reuses a verified token only within its lifetime and never remembers failures', async () => {
    const cached = new TokenVerifier(config);
    const token = await signDevToken(config, { sub: 'anna', roles: ['caseworker'], departments: ['32'], expiresIn: '5s' });
    const first = await cached.verify(token);
    first.departments.push('50'); // a caller changing its copy does not change the remembered actor
    await expect(cached.verify(token)).resolves.toEqual({ sub: 'anna', name: 'anna', roles: [Role.Caseworker], departments: ['32'] });
    jest.useFakeTimers({ now: Date.now() + 6_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      await expect(cached.verify(token)).rejects.toMatchObject({ code: 'Unauthenticated' });
    } finally {
      jest.useRealTimers();
    }
    const forged = `${token.slice(0, -4)}AAAA`;
    await expect(cached.verify(forged)).rejects.toMatchObject({ code: 'Unauthenticated' });
    await expect(cached.verify(forged)).rejects.toMatchObject({ code: 'Unauthenticated' });
  });

  describe('token lifetime (issue 11)', () => {
    const secret = new TextEncoder().encode('a-test-secret-of-sufficient-length');
    const claims = { roles: ['admin'], departments: ['32'] };
    const now = () => Math.floor(Date.now() / 1000);

    it('refuses a token without exp', async () => {
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuedAt().sign(secret);
      await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'Unauthenticated', message: expect.stringMatching(/no "exp"/) });
    });

    it('refuses a token expiring in 9999 and one without iat living too long; accepts the maximum', async () => {
      const far = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuedAt().setExpirationTime(253402300799).sign(secret);
      await expect(verifier.verify(far)).rejects.toMatchObject({ code: 'Unauthenticated', message: expect.stringMatching(/AUTH_MAX_TOKEN_LIFETIME/) });
      const noIat = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setExpirationTime(now() + 13 * 3600).sign(secret);
      await expect(verifier.verify(noIat)).rejects.toMatchObject({ code: 'Unauthenticated' });
      const ok = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('anna').setIssuedAt().setExpirationTime('12h').sign(secret);
      await expect(verifier.verify(ok)).resolves.toMatchObject({ sub: 'anna' });
    });

    it('measures the lifetime from now when iat lies in the future (fault suite: exp in a year, iat a minute before it)', async () => {
      const year = now() + 365 * 86400;
      const lying = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuedAt(year - 60).setExpirationTime(year).sign(secret);
      await expect(verifier.verify(lying)).rejects.toMatchObject({ code: 'Unauthenticated', message: expect.stringMatching(/AUTH_MAX_TOKEN_LIFETIME/) });
      // an issuer clock a little ahead is no reason to refuse a short token
      const skewed = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('anna').setIssuedAt(now() + 30).setExpirationTime(now() + 3600).sign(secret);
      await expect(verifier.verify(skewed)).resolves.toMatchObject({ sub: 'anna' });
    });

    it('takes the maximum from AUTH_MAX_TOKEN_LIFETIME', async () => {
      const strict = new TokenVerifier(loadConfig({ AUTH_JWT_SECRET: 'a-test-secret-of-sufficient-length', AUTH_MAX_TOKEN_LIFETIME: '600' }));
      const hour = await signDevToken(config, { sub: 'anna', roles: ['caseworker'], departments: ['32'], expiresIn: '1h' });
      await expect(strict.verify(hour)).rejects.toMatchObject({ code: 'Unauthenticated' });
      const short = await signDevToken(config, { sub: 'anna', roles: ['caseworker'], departments: ['32'], expiresIn: '5m' });
      await expect(strict.verify(short)).resolves.toMatchObject({ sub: 'anna' });
    });
  });
});
