import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';

/**
 * The one typed configuration of every app, read from the environment once at boot.
 * Nothing else in the code base reads `process.env`.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
/** An entry of TRUST_PROXY: a name express knows, an IP address, or an address with a prefix length. */
function validProxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [addr, bits, extra] = entry.split('/');
  const family = isIP(addr);
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/eakte'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('eakte'),
    STORAGE_DRIVER: z.enum(['fs', 's3']).optional(),
    STORAGE_DIR: z.string().default('./data/objects'),
    S3_ENDPOINT: optionalString,
    S3_ACCESS_KEY: optionalString,
    S3_SECRET_KEY: optionalString,
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/).default('eakte'),
    S3_REGION: z.string().default('us-east-1'),
    RECORDS_PORT: port.default(3000),
    INGEST_PORT: port.default(3001),
    WORKER_HEALTH_PORT: port.default(3002),
    // checked here, not in superRefine, so that it is listed together with every other bad variable
    AUTH_JWT_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
    AUTH_ISSUER: optionalString,
    AUTH_JWKS_URL: optionalString,
    AUTH_AUDIENCE: optionalString,
    /** Longest accepted bearer-token lifetime in seconds (exp − iat); tokens without exp are refused. */
    AUTH_MAX_TOKEN_LIFETIME: z.coerce.number().int().positive().max(7 * 24 * 3600).default(12 * 3600),
    AUTH_CLAIM_ROLES: z.string().default('roles'),
    AUTH_CLAIM_DEPARTMENTS: z.string().default('departments'),
    AUTH_CLAIM_NAME: z.string().default('name'),
    MAX_UPLOAD_MB: z.coerce.number().positive().max(10_000).default(100),
    MAX_PAGES: z.coerce.number().int().positive().max(10_000).default(500),
    REFERENCE_PATTERN: z.string().default('{filePlanCode}-{year}/{seq:5}'),
    /** Vorgangszeichen: the case file's Aktenzeichen `{reference}` plus the running number `{n}` or `{n:W}` (zero-padded to W digits). */
    VORGANG_REFERENCE_PATTERN: z
      .string()
      .max(64)
      .default('{reference}/{n}')
      .refine((v) => (v.match(/\{reference\}/g) ?? []).length === 1, 'needs exactly one {reference} token')
      .refine((v) => (v.match(/\{n(?::\d{1,2})?\}/g) ?? []).length === 1, 'needs exactly one {n} or {n:W} token')
      .refine((v) => !/\{[^}]*\}/.test(v.replace(/\{reference\}|\{n(?::\d{1,2})?\}/g, '')), 'has an unknown token (allowed: {reference}, {n}, {n:W})')
      .refine((v) => !/[\x00-\x1f\x7f]/.test(v), 'must not contain control characters'),
    AUDIT_ENABLED: bool.default('true'),
    AUDIT_ANCHOR_EVERY: z.coerce.number().int().positive().default(1000),
    AUDIT_ANCHOR_MINUTES: z.coerce.number().positive().default(10),
    AUDIT_ANCHOR_KEY: optionalString,
    /** Development: where the installation's generated secrets live (never in the repository). */
    SECRETS_DIR: z.string().default('./data/secrets'),
    AUDIT_ANCHOR_CHECK_SECONDS: z.coerce.number().positive().max(3600).default(30),
    OCR_WORKERS: z.coerce.number().int().min(1).max(64).default(Math.max(1, os.cpus().length)),
    OCR_LANGS: z.string().regex(/^[a-z_]+(\+[a-z_]+)*$/).default('deu+eng'),
    OCR_TIMEOUT_SECONDS: z.coerce.number().positive().default(120),
    RETENTION_SWEEP_EVERY_MINUTES: z.coerce.number().positive().default(60),
    XDOMEA_SCHEMA_DIR: optionalString,
    XDOMEA_SENDER_NAME: z.string().min(1).default('Stadtverwaltung'),
    XDOMEA_ARCHIVE_NAME: z.string().min(1).default('Stadtarchiv'),
    SEED_DEMO_DATA: bool.default('true'),
    INGEST_MAX_FILES: z.coerce.number().int().min(1).max(10_000).default(200),
    INGEST_STALE_MINUTES: z.coerce.number().positive().default(15),
    INGEST_SWEEP_EVERY_MINUTES: z.coerce.number().positive().default(5),
    INGEST_LOCK_SECONDS: z.coerce.number().min(2).max(3600).default(15),
    INGEST_STALLED_CHECK_SECONDS: z.coerce.number().min(1).max(3600).default(10),
    INGEST_MAX_STALLED: z.coerce.number().int().min(0).max(100).default(2),
    QUEUE_RECOVERY_CHECK_SECONDS: z.coerce.number().min(1).max(3600).default(30),
    QUEUE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
    CLASSIFIER_RETRAIN_EVERY: z.coerce.number().int().min(1).default(20),
    SEARCH_CANDIDATES: z.coerce.number().int().min(20).max(100_000).default(1000),
    SEARCH_EXCERPT_CHARS: z.coerce.number().int().min(200).max(1_000_000).default(8000),
    SEARCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
    WEB_DIR: z.string().default('./dist/web'),
    METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
    FIXITY_SWEEP_EVERY_MINUTES: z.coerce.number().min(0).default(60),
    FIXITY_SLICE_SIZE: z.coerce.number().int().min(1).max(100_000).default(200),
    ORPHAN_SWEEP_EVERY_MINUTES: z.coerce.number().min(0).default(360),
    ORPHAN_GRACE_MINUTES: z.coerce.number().min(0).default(24 * 60),
    // the address the HTTP apps listen on (default: loopback outside production)
    HOST: optionalString,
    // reverse proxies whose X-Forwarded-For is believed: "none", or a comma list of addresses,
    // CIDR ranges and the names loopback, linklocal, uniquelocal
    TRUST_PROXY: z
      .string()
      .default('loopback')
      .transform((v) => (v.trim().toLowerCase() === 'none' || v.trim() === '' ? [] : v.split(',').map((x) => x.trim()).filter(Boolean)))
      .refine((list) => list.every(validProxyEntry), 'must be "none" or a comma list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal'),
    // browser sign-in (OpenID Connect, backend-for-frontend); OIDC_ISSUER defaults to AUTH_ISSUER
    OIDC_ISSUER: optionalString.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_REDIRECT_URI: optionalString.refine((v) => v === undefined || /^https?:\/\/[^/]+\/.*/.test(v), 'must be an absolute http(s) URL'),
    OIDC_SCOPES: z.string().regex(/(^|\s)openid(\s|$)/, 'must contain openid').default('openid profile'),
    OIDC_POST_LOGOUT_REDIRECT_URI: optionalString.refine((v) => v === undefined || /^https?:\/\/[^/]+/.test(v), 'must be an absolute http(s) URL'),
    SESSION_TTL_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(480),
    SESSION_IDLE_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(60),
    SESSION_COOKIE_SECURE: bool.optional(),
    DEV_ISSUER_PORT: port.default(3003),
  })
  .superRefine((env, ctx) => {
    if (env.STORAGE_DRIVER === 's3' && !env.S3_ENDPOINT) {
      ctx.addIssue({ code: 'custom', path: ['S3_ENDPOINT'], message: 'required when STORAGE_DRIVER=s3' });
    }
    if (env.NODE_ENV === 'production' && !env.AUTH_JWKS_URL && !env.AUTH_JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'set AUTH_JWKS_URL (OIDC) or AUTH_JWT_SECRET in production' });
    }
    if (env.NODE_ENV === 'production') {
      for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUDIT_ANCHOR_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required in production' });
      }
    }
    if (env.OIDC_CLIENT_ID && !env.OIDC_ISSUER && !env.AUTH_ISSUER) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_ISSUER'], message: 'required for browser sign-in when OIDC_CLIENT_ID is set' });
    }
    if (env.NODE_ENV === 'production' && env.OIDC_CLIENT_ID && !env.OIDC_CLIENT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_CLIENT_SECRET'], message: 'required in production when OIDC_CLIENT_ID is set (a confidential client)' });
    }
  });

type RawEnv = z.infer<typeof configSchema>;

export interface AppConfig {
  env: RawEnv['NODE_ENV'];
  logLevel: RawEnv['LOG_LEVEL'];
  database: { url: string; poolSize: number };
  redis: { url: string; prefix: string };
  storage:
    | { driver: 'fs'; dir: string }
    | { driver: 's3'; endpoint: string; accessKey?: string; secretKey?: string; bucket: string; region: string };
  ports: { records: number; ingest: number; workerHealth: number };
  auth: {
    /** HS256 secret (development and tests). Secret: never logged. */
    jwtSecret?: string;
    issuer?: string;
    jwksUrl?: string;
    audience?: string;
    /** Longest accepted token lifetime (seconds); a token without `exp` is refused. */
    maxTokenLifetimeSeconds: number;
    claims: { roles: string; departments: string; name: string };
  };
  upload: { maxBytes: number; maxPages: number };
  records: { referencePattern: string; vorgangReferencePattern: string };
  audit: { enabled: boolean; anchorEvery: number; anchorMinutes: number; anchorKey: string; anchorCheckSeconds: number };
  ocr: { workers: number; langs: string; timeoutMs: number };
  retention: {
    sweepEveryMinutes: number;
    /** xdomea 3.1.0 XSDs for validating incoming messages with xmllint (absent: in-repo check only). */
    xdomeaSchemaDir: string;
    /** Absender (us) and Empfaenger (the archive) of disposal messages. */
    senderName: string;
    archiveName: string;
  };
  seedDemoData: boolean;
  ingest: { maxFiles: number; staleMinutes: number; sweepEveryMinutes: number; retrainEvery: number };
  /**
   * Full-text search: ranking covers the newest `candidates` matches of the caller's departments;
   * snippets are cut from the first `excerptChars` characters of a text; a search running longer
   * than `timeoutMs` is cancelled (503).
   */
  search: { candidates: number; excerptChars: number; timeoutMs: number };
  /** The built web application the records API serves from `/`. */
  web: { dir: string };
  /** `GET /metrics`: bearer token required when set (secret); otherwise only loopback clients are answered. */
  metrics: { token?: string };
  /** Fixity sweep (TR-ESOR integrity check): every `everyMinutes` (0: no schedule), re-hash the next `sliceSize` stored files. */
  fixity: { everyMinutes: number; sliceSize: number };
  /**
   * Orphan sweep: every `everyMinutes` (0: no schedule), stored objects no file row refers to are
   * removed once they have been seen unreferenced for `graceMinutes` (an upload about to commit is never touched).
   */
  orphans: { everyMinutes: number; graceMinutes: number };
  /** The address the HTTP apps listen on. */
  host: string;
  /** Reverse proxies trusted for X-Forwarded-For (empty: none). */
  trustProxy: string[];
  /**
   * Browser sign-in: the records API as an OpenID Connect client (authorization code + PKCE) of
   * `issuer`. `enabled` only when an issuer and a client id are configured.
   */
  oidc: {
    enabled: boolean;
    issuer?: string;
    clientId?: string;
    /** Secret: never logged. */
    clientSecret?: string;
    redirectUri: string;
    scopes: string;
    postLogoutRedirectUri: string;
  };
  /** Browser sessions (cookie `eakte_session`, stored in PostgreSQL). */
  session: { ttlMinutes: number; idleMinutes: number; cookieSecure: boolean };
  /** Port of the development issuer that `npm start` runs in development. */
  devIssuerPort: number;
  /**
   * Redis is a cache of intentions: the worker re-creates schedules and re-enqueues scans from
   * PostgreSQL at boot, after every reconnect and every `recoveryCheckSeconds`; a request waits
   * at most `timeoutMs` for Redis before it is answered 503. `ingestLock`: BullMQ lock and stall
   * settings of the scan pipeline (a crashed worker's scan runs again within lock + stall check).
   */
  queue: { recoveryCheckSeconds: number; timeoutMs: number; ingestLock: { lockMs: number; stalledIntervalMs: number; maxStalled: number } };
}

/** Names of variables whose values must never reach logs. */
export const SECRET_VARIABLES = ['AUTH_JWT_SECRET', 'S3_SECRET_KEY', 'S3_ACCESS_KEY', 'AUDIT_ANCHOR_KEY', 'DATABASE_URL', 'METRICS_TOKEN', 'OIDC_CLIENT_SECRET'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Development only: a random secret made once per installation under SECRETS_DIR (default
 * ./data/secrets, outside the repository), so no key in the source code opens anything. Apps
 * starting at the same time agree: the file appears complete or not at all (written aside, then
 * hard-linked into place, which fails if another process was first).
 */
export function installationSecret(dir: string, name: string): string {
  const file = path.join(dir, name);
  const read = () => fs.readFileSync(file, 'utf8').trim();
  try {
    return read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const aside = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}`;
  fs.writeFileSync(aside, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
  try {
    fs.linkSync(aside, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(aside, { force: true });
  }
  return read();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  const driver = e.STORAGE_DRIVER ?? (e.S3_ENDPOINT ? 's3' : 'fs');
  const production = e.NODE_ENV === 'production';
  const secretsDir = path.resolve(e.SECRETS_DIR);
  // development without a JWKS: tokens signed with the installation's own secret (`npm run token`)
  const jwtSecret = e.AUTH_JWT_SECRET ?? (production ? undefined : installationSecret(secretsDir, 'auth-jwt-secret'));
  const oidcIssuer = e.OIDC_ISSUER ?? e.AUTH_ISSUER;
  const redirectUri = e.OIDC_REDIRECT_URI ?? `http://localhost:${e.RECORDS_PORT}/auth/callback`;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: { url: e.REDIS_URL, prefix: e.QUEUE_PREFIX },
    storage:
      driver === 's3'
        ? {
            driver: 's3',
            endpoint: e.S3_ENDPOINT!,
            accessKey: e.S3_ACCESS_KEY,
            secretKey: e.S3_SECRET_KEY,
            bucket: e.S3_BUCKET,
            region: e.S3_REGION,
          }
        : { driver: 'fs', dir: path.resolve(e.STORAGE_DIR) },
    ports: { records: e.RECORDS_PORT, ingest: e.INGEST_PORT, workerHealth: e.WORKER_HEALTH_PORT },
    auth: {
      jwtSecret,
      issuer: e.AUTH_ISSUER,
      jwksUrl: e.AUTH_JWKS_URL,
      audience: e.AUTH_AUDIENCE,
      maxTokenLifetimeSeconds: e.AUTH_MAX_TOKEN_LIFETIME,
      claims: { roles: e.AUTH_CLAIM_ROLES, departments: e.AUTH_CLAIM_DEPARTMENTS, name: e.AUTH_CLAIM_NAME },
    },
    upload: { maxBytes: Math.floor(e.MAX_UPLOAD_MB * 1024 * 1024), maxPages: e.MAX_PAGES },
    records: { referencePattern: e.REFERENCE_PATTERN, vorgangReferencePattern: e.VORGANG_REFERENCE_PATTERN },
    audit: {
      enabled: e.AUDIT_ENABLED,
      anchorEvery: e.AUDIT_ANCHOR_EVERY,
      anchorMinutes: e.AUDIT_ANCHOR_MINUTES,
      // production requires AUDIT_ANCHOR_KEY (checked above); never derived from another secret
      anchorKey: e.AUDIT_ANCHOR_KEY ?? installationSecret(secretsDir, 'audit-anchor-key'),
      anchorCheckSeconds: e.AUDIT_ANCHOR_CHECK_SECONDS,
    },
    ocr: { workers: e.OCR_WORKERS, langs: e.OCR_LANGS, timeoutMs: e.OCR_TIMEOUT_SECONDS * 1000 },
    retention: {
      sweepEveryMinutes: e.RETENTION_SWEEP_EVERY_MINUTES,
      xdomeaSchemaDir: path.resolve(e.XDOMEA_SCHEMA_DIR ?? path.join('..', 'shared', 'xdomea', '3.1.0')),
      senderName: e.XDOMEA_SENDER_NAME,
      archiveName: e.XDOMEA_ARCHIVE_NAME,
    },
    seedDemoData: e.SEED_DEMO_DATA,
    ingest: { maxFiles: e.INGEST_MAX_FILES, staleMinutes: e.INGEST_STALE_MINUTES, sweepEveryMinutes: e.INGEST_SWEEP_EVERY_MINUTES, retrainEvery: e.CLASSIFIER_RETRAIN_EVERY },
    search: { candidates: e.SEARCH_CANDIDATES, excerptChars: e.SEARCH_EXCERPT_CHARS, timeoutMs: e.SEARCH_TIMEOUT_MS },
    web: { dir: path.resolve(e.WEB_DIR) },
    metrics: { token: e.METRICS_TOKEN },
    fixity: { everyMinutes: e.FIXITY_SWEEP_EVERY_MINUTES, sliceSize: e.FIXITY_SLICE_SIZE },
    orphans: { everyMinutes: e.ORPHAN_SWEEP_EVERY_MINUTES, graceMinutes: e.ORPHAN_GRACE_MINUTES },
    host: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    trustProxy: e.TRUST_PROXY,
    oidc: {
      enabled: !!oidcIssuer && !!e.OIDC_CLIENT_ID,
      issuer: oidcIssuer,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      redirectUri,
      scopes: e.OIDC_SCOPES.trim().split(/\s+/).join(' '),
      postLogoutRedirectUri: e.OIDC_POST_LOGOUT_REDIRECT_URI ?? `${new URL(redirectUri).origin}/anmelden?abgemeldet=1`,
    },
    session: {
      ttlMinutes: e.SESSION_TTL_MINUTES,
      idleMinutes: e.SESSION_IDLE_MINUTES,
      cookieSecure: e.SESSION_COOKIE_SECURE ?? e.NODE_ENV === 'production',
    },
    devIssuerPort: e.DEV_ISSUER_PORT,
    queue: {
      recoveryCheckSeconds: e.QUEUE_RECOVERY_CHECK_SECONDS,
      timeoutMs: e.QUEUE_TIMEOUT_MS,
      ingestLock: { lockMs: Math.round(e.INGEST_LOCK_SECONDS * 1000), stalledIntervalMs: Math.round(e.INGEST_STALLED_CHECK_SECONDS * 1000), maxStalled: e.INGEST_MAX_STALLED },
    },
  };
}

/** A database URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
