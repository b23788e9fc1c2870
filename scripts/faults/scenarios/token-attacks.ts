import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { call } from '../client';
import type { AppProcess, Stack } from '../stack';
import { Scenario, verdict } from '../scenario';

const ISSUER = 'https://idp.faults.test/realms/stadt';
const AUDIENCE = 'eakte-records';
const claims = { roles: ['caseworker'], departments: ['32'], name: 'Anna Ordnung' };
const now = () => Math.floor(Date.now() / 1000);
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An unsigned token (`alg: none`). */
const algNone = (payload: Record<string, unknown>) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
const hs256 = (secret: string | Uint8Array, payload: Record<string, unknown>) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);

interface Attack {
  name: string;
  token: string;
  /** 200 for the control token, 401 for every attack. */
  expect: number;
}

/** Sends each token to GET /case-files; checks the status and that every 401 wrote one `auth.unauthenticated` event. */
async function attack(stack: Stack, records: AppProcess, attacks: Attack[], mode: string, problems: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const a of attacks) {
    const denied = async () => (await stack.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.unauthenticated'`))[0].n;
    const before = await denied();
    const res = await call(records.base, 'GET', '/api/v1/case-files?departmentCode=32', { token: a.token });
    const audited = (await denied()) - before;
    const ok = res.status === a.expect && (a.expect !== 401 || audited === 1);
    if (!ok) problems.push(`${mode} ${a.name}: ${res.status} (expected ${a.expect}), ${audited} auth.unauthenticated events: ${JSON.stringify(res.body).slice(0, 160)}`);
    lines.push(`${a.name} ${res.status}${a.expect === 401 ? (audited === 1 ? ' audited' : ' NOT audited') : ''}`);
  }
  return lines;
}

/**
 * Scenario 6: forged and malformed bearer tokens against the records API, in test mode (HS256
 * with AUTH_JWT_SECRET) and in production mode (RS256 tokens of an issuer, verified against its
 * JWKS, with issuer and audience required). A valid token of each mode is the control (200);
 * every attack must be answered 401 and audited as `auth.unauthenticated`.
 */
export const tokenAttacks: Scenario = {
  name: 'tokens',
  timeoutMs: () => 5 * 60_000,
  async run(ctx) {
    const problems: string[] = [];
    const max = 43_200; // AUTH_MAX_TOKEN_LIFETIME default
    // test mode
    const stack = await ctx.stack();
    const records = await stack.startApp('records-api');
    const secret = stack.env.AUTH_JWT_SECRET;
    const base = { sub: 'anna.32', ...claims };
    const t = now();
    const testAttacks: Attack[] = [
      { name: 'valid (control)', token: await hs256(secret, { ...base, iat: t, exp: t + 600 }), expect: 200 },
      { name: 'forged signature', token: await hs256('another-secret-of-the-attacker', { ...base, iat: t, exp: t + 600 }), expect: 401 },
      {
        name: 'payload changed after signing',
        token: await (async () => {
          const [h, , s] = (await hs256(secret, { ...base, iat: t, exp: t + 600 })).split('.');
          return `${h}.${b64({ ...base, roles: ['admin', 'caseworker'], departments: ['32', '50'], iat: t, exp: t + 600 })}.${s}`;
        })(),
        expect: 401,
      },
      { name: 'expired', token: await hs256(secret, { ...base, iat: t - 7200, exp: t - 3600 }), expect: 401 },
      { name: 'no exp', token: await hs256(secret, { ...base, iat: t }), expect: 401 },
      { name: 'exp in a year', token: await hs256(secret, { ...base, iat: t, exp: t + 365 * 86400 }), expect: 401 },
      { name: 'exp in a year, iat just before it', token: await hs256(secret, { ...base, iat: t + 365 * 86400 - 60, exp: t + 365 * 86400 }), expect: 401 },
      { name: 'exp beyond max lifetime, no iat', token: await hs256(secret, { ...base, exp: t + max + 3600 }), expect: 401 },
      { name: 'alg none', token: algNone({ ...base, iat: t, exp: t + 600 }), expect: 401 },
      { name: 'no subject', token: await hs256(secret, { ...claims, iat: t, exp: t + 600 }), expect: 401 },
    ];
    const testLines = await attack(stack, records, testAttacks, 'test mode', problems);
    await records.stop();

    // production mode: the issuer's keys from a JWKS endpoint
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const attacker = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'stadt-1', alg: 'RS256', use: 'sig' };
    const jwks: Server = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    try {
      const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/certs`;
      const prod = await stack.startApp('records-api', {
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: undefined,
        AUTH_JWKS_URL: jwksUrl,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        SEED_DEMO_DATA: 'false',
      });
      const rs256 = (key: Parameters<SignJWT['sign']>[0], payload: Record<string, unknown>, kid = 'stadt-1') => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
      const good = { ...base, iss: ISSUER, aud: AUDIENCE };
      const p = now();
      const pem = await exportSPKI(publicKey);
      const prodAttacks: Attack[] = [
        { name: 'valid RS256 (control)', token: await rs256(privateKey, { ...good, iat: p, exp: p + 600 }), expect: 200 },
        { name: 'wrong issuer', token: await rs256(privateKey, { ...good, iss: 'https://evil.example/realms/stadt', iat: p, exp: p + 600 }), expect: 401 },
        { name: 'wrong audience', token: await rs256(privateKey, { ...good, aud: 'another-app', iat: p, exp: p + 600 }), expect: 401 },
        { name: 'no audience', token: await rs256(privateKey, { ...base, iss: ISSUER, iat: p, exp: p + 600 }), expect: 401 },
        { name: 'signed by another key', token: await rs256(attacker.privateKey, { ...good, iat: p, exp: p + 600 }), expect: 401 },
        { name: 'HS256 with the test secret', token: await hs256(secret, { ...good, iat: p, exp: p + 600 }), expect: 401 },
        { name: 'HS256 keyed with the public key', token: await hs256(new TextEncoder().encode(pem), { ...good, iat: p, exp: p + 600 }), expect: 401 },
        { name: 'alg none', token: algNone({ ...good, iat: p, exp: p + 600 }), expect: 401 },
        { name: 'expired', token: await rs256(privateKey, { ...good, iat: p - 7200, exp: p - 3600 }), expect: 401 },
        { name: 'exp in a year', token: await rs256(privateKey, { ...good, iat: p, exp: p + 365 * 86400 }), expect: 401 },
        { name: 'exp in a year, iat just before it', token: await rs256(privateKey, { ...good, iat: p + 365 * 86400 - 60, exp: p + 365 * 86400 }), expect: 401 },
        { name: 'no exp', token: await rs256(privateKey, { ...good, iat: p }), expect: 401 },
      ];
      const prodLines = await attack(stack, prod, prodAttacks, 'production', problems);
      const attacks = testAttacks.length + prodAttacks.length - 2;
      const refused = attacks - problems.length;
      ctx.log(`test mode: ${testLines.join('; ')}`);
      ctx.log(`production: ${prodLines.join('; ')}`);
      return verdict(attacks, `${refused} of ${attacks} attacks refused 401 and audited (test mode ${testAttacks.length - 1}, production ${prodAttacks.length - 1}); both control tokens 200`, problems);
    } finally {
      await new Promise((r) => jwks.close(r));
    }
  },
};
