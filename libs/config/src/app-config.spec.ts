import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, ConfigError, redactUrl } from './app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.database.url).toBe('postgres://postgres@127.0.0.1:5432/eakte');
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.storage.driver).toBe('fs');
    expect(c.ports).toEqual({ records: 3000, ingest: 3001, workerHealth: 3002 });
    expect(c.upload.maxBytes).toBe(100 * 1024 * 1024);
    expect(c.records.referencePattern).toBe('{filePlanCode}-{year}/{seq:5}');
    expect(c.records.vorgangReferencePattern).toBe('{reference}/{n}');
  });

  it('checks the Vorgangszeichen pattern at boot', () => {
    expect(loadConfig({ VORGANG_REFERENCE_PATTERN: '{reference}-V{n:3}' }).records.vorgangReferencePattern).toBe('{reference}-V{n:3}');
    expect(() => loadConfig({ VORGANG_REFERENCE_PATTERN: 'V{n}' })).toThrow(/VORGANG_REFERENCE_PATTERN: needs exactly one \{reference\}/);
    expect(() => loadConfig({ VORGANG_REFERENCE_PATTERN: '{reference}/x' })).toThrow(/VORGANG_REFERENCE_PATTERN: needs exactly one \{n\}/);
    expect(() => loadConfig({ VORGANG_REFERENCE_PATTERN: '{reference}/{year}/{n}' })).toThrow(/VORGANG_REFERENCE_PATTERN: has an unknown token/);
  });

  it('switches to S3 when S3_ENDPOINT is set', () => {
    const c = loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'records' });
    expect(c.storage).toMatchObject({ driver: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'records' });
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ RECORDS_PORT: 'abc', MAX_UPLOAD_MB: '-1', OCR_LANGS: 'deu eng' });
      fail('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toContain('RECORDS_PORT');
      expect(msg).toContain('MAX_UPLOAD_MB');
      expect(msg).toContain('OCR_LANGS');
    }
    expect(() => loadConfig({ STORAGE_DRIVER: 's3' })).toThrow(/S3_ENDPOINT: required/);
  });

  it('requires an auth source, issuer, audience and anchor key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWKS_URL/);
    const base = { NODE_ENV: 'production', AUTH_JWKS_URL: 'https://login.example/certs' };
    expect(() => loadConfig(base)).toThrow(/AUTH_ISSUER: required in production/);
    expect(() => loadConfig(base)).toThrow(/AUTH_AUDIENCE: required in production/);
    expect(() => loadConfig(base)).toThrow(/AUDIT_ANCHOR_KEY: required in production/);
  });

  it('has no key in the source: development generates one per installation under SECRETS_DIR', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'eakte-secrets-')), 'secrets');
    const a = loadConfig({ SECRETS_DIR: dir });
    const b = loadConfig({ SECRETS_DIR: dir });
    expect(a.auth.jwtSecret).toHaveLength(43); // 32 random bytes, base64url
    expect(b.auth.jwtSecret).toBe(a.auth.jwtSecret);
    expect(a.audit.anchorKey).not.toBe(a.auth.jwtSecret);
    expect(readFileSync(path.join(dir, 'auth-jwt-secret'), 'utf8')).toBe(a.auth.jwtSecret);
    expect(statSync(path.join(dir, 'auth-jwt-secret')).mode & 0o077).toBe(0);
    const other = loadConfig({ SECRETS_DIR: path.join(dir, '..', 'elsewhere') });
    expect(other.auth.jwtSecret).not.toBe(a.auth.jwtSecret);
    expect(loadConfig({ SECRETS_DIR: dir, AUTH_JWT_SECRET: 'x'.repeat(20) }).auth.jwtSecret).toBe('x'.repeat(20));
  });

  it('configures browser sign-in and sessions', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.oidc).toEqual({
      enabled: false,
      issuer: undefined,
      clientId: undefined,
      clientSecret: undefined,
      redirectUri: 'http://localhost:3000/auth/callback',
      scopes: 'openid profile',
      postLogoutRedirectUri: 'http://localhost:3000/anmelden?abgemeldet=1',
    });
    expect(c.session).toEqual({ ttlMinutes: 480, idleMinutes: 60, cookieSecure: false });
    expect(c.devIssuerPort).toBe(3003);
    const p = loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://login.example/certs', AUTH_ISSUER: 'https://login.example', AUTH_AUDIENCE: 'eakte', AUDIT_ANCHOR_KEY: 'k'.repeat(32), OIDC_CLIENT_ID: 'eakte', OIDC_CLIENT_SECRET: 's', OIDC_REDIRECT_URI: 'https://eakte.example/auth/callback' });
    expect(p.host).toBe('0.0.0.0');
    expect(p.session.cookieSecure).toBe(true);
    expect(p.oidc).toMatchObject({ enabled: true, issuer: 'https://login.example', postLogoutRedirectUri: 'https://eakte.example/anmelden?abgemeldet=1' });
    expect(loadConfig({ AUTH_ISSUER: 'https://a.example', OIDC_ISSUER: 'http://127.0.0.1:3003', OIDC_CLIENT_ID: 'x' }).oidc.issuer).toBe('http://127.0.0.1:3003');
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://login.example/certs', AUTH_ISSUER: 'https://login.example', AUTH_AUDIENCE: 'eakte', AUDIT_ANCHOR_KEY: 'k'.repeat(32), OIDC_CLIENT_ID: 'eakte' })).toThrow(/OIDC_CLIENT_SECRET/);
    expect(() => loadConfig({ OIDC_CLIENT_ID: 'eakte' })).toThrow(/AUTH_ISSUER: required/);
    expect(() => loadConfig({ OIDC_SCOPES: 'profile' })).toThrow(/OIDC_SCOPES/);
    expect(() => loadConfig({ SESSION_TTL_MINUTES: '0' })).toThrow(/SESSION_TTL_MINUTES/);
  });

  it('trusts only loopback proxies by default, none or a validated list when TRUST_PROXY says so', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'none' }).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,fd00::/8, uniquelocal' }).trustProxy).toEqual(['10.0.0.5', '192.168.0.0/16', 'fd00::/8', 'uniquelocal']);
    for (const bad of ['*', 'true', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/1']) {
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
  });

  it('masks passwords in URLs', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).not.toContain('secret');
  });
});
