import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, JWTPayload, JWTVerifyGetKey, SignJWT } from 'jose';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ALL_ROLES, Actor, DomainError, ErrorCode, Role } from '@app/common';

/** How long a verified token's actor is reused (never beyond the token's `exp`). */
const CACHE_MS = 10_000;
/** Most tokens remembered at once (the oldest entry goes first). */
const CACHE_MAX = 10_000;

/**
 * Verifies bearer tokens: HS256 with AUTH_JWT_SECRET (development, tests) or RS256/ES256 against
 * the OIDC issuer's JWKS (AUTH_JWKS_URL, AUTH_ISSUER), as Keycloak or ADFS issue them.
 */
@Injectable()
export class TokenVerifier {
  private readonly jwks?: JWTVerifyGetKey;
  private readonly secret?: Uint8Array;
  /**
   * Verified tokens by their SHA-256 (the token itself is not kept): a client sends the same token
   * with every request, and verifying it (signature, claims) is a noticeable part of a cheap read.
   * Only successes are remembered, each for at most {@link CACHE_MS} and never beyond `exp`.
   */
  private readonly verified = new Map<string, { actor: Actor; until: number }>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.auth.jwksUrl) this.jwks = createRemoteJWKSet(new URL(config.auth.jwksUrl));
    if (config.auth.jwtSecret) this.secret = new TextEncoder().encode(config.auth.jwtSecret);
  }

  async verify(token: string): Promise<Actor> {
    const key = createHash('sha256').update(token).digest('base64');
    const now = Date.now();
    const hit = this.verified.get(key);
    if (hit && hit.until > now) return copyActor(hit.actor);
    if (hit) this.verified.delete(key);
    const payload = await this.verifySignature(token);
    const actor = this.toActor(payload);
    const until = Math.min(now + CACHE_MS, typeof payload.exp === 'number' ? payload.exp * 1000 : now + CACHE_MS);
    if (until > now) {
      if (this.verified.size >= CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(key, { actor: copyActor(actor), until });
    }
    return actor;
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      const options = { issuer: this.config.auth.issuer, audience: this.config.auth.audience };
      if (this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'ES256', 'PS256'] }));
      } else if (this.secret) {
        ({ payload } = await jwtVerify(token, this.secret, { ...options, algorithms: ['HS256'] }));
      } else {
        throw new Error('no verification key configured');
      }
    } catch (e) {
      throw new DomainError(ErrorCode.Unauthenticated, `invalid token: ${(e as Error).message}`);
    }
    // a token without an end, or living longer than allowed, is a stolen token's best friend
    const max = this.config.auth.maxTokenLifetimeSeconds;
    if (typeof payload.exp !== 'number') throw new DomainError(ErrorCode.Unauthenticated, 'invalid token: no "exp" claim');
    // measured from now at the latest: an `iat` in the future (which jose accepts) would otherwise
    // let a token valid for a year pass as a short-lived one
    const nowSeconds = Math.floor(Date.now() / 1000);
    const issuedAt = typeof payload.iat === 'number' ? Math.min(payload.iat, nowSeconds) : nowSeconds;
    if (payload.exp - issuedAt > max) {
      throw new DomainError(ErrorCode.Unauthenticated, `invalid token: lives longer than AUTH_MAX_TOKEN_LIFETIME (${max} s)`);
    }
    return payload;
  }

  toActor(payload: JWTPayload): Actor {
    const claims = this.config.auth.claims;
    const rawRoles = readPath(payload, claims.roles);
    const rawDepartments = readPath(payload, claims.departments);
    const roles = (Array.isArray(rawRoles) ? rawRoles : typeof rawRoles === 'string' ? rawRoles.split(/[ ,]+/) : [])
      .map(String)
      .filter((r): r is Role => (ALL_ROLES as string[]).includes(r));
    const departments = (Array.isArray(rawDepartments) ? rawDepartments : typeof rawDepartments === 'string' ? rawDepartments.split(/[ ,]+/) : [])
      .map(String)
      .filter(Boolean);
    if (!payload.sub) throw new DomainError(ErrorCode.Unauthenticated, 'invalid token: no subject');
    const name = readPath(payload, claims.name);
    return { sub: payload.sub, name: typeof name === 'string' ? name : payload.sub, roles, departments };
  }
}

const copyActor = (a: Actor): Actor => ({ sub: a.sub, name: a.name, roles: [...a.roles], departments: [...a.departments] });

/** Reads a claim by name or dotted path (Keycloak puts roles at `realm_access.roles`). */
function readPath(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), payload);
}

export interface DevTokenInput {
  sub: string;
  name?: string;
  roles: string[];
  departments: string[];
  expiresIn?: string;
}

/** Signs an HS256 development token with the configured claim names. */
export async function signDevToken(config: AppConfig, input: DevTokenInput): Promise<string> {
  if (!config.auth.jwtSecret) throw new Error('AUTH_JWT_SECRET is not set');
  const claims: Record<string, unknown> = {
    [config.auth.claims.roles]: input.roles,
    [config.auth.claims.departments]: input.departments,
    [config.auth.claims.name]: input.name ?? input.sub,
  };
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(input.sub).setIssuedAt().setExpirationTime(input.expiresIn ?? '12h');
  if (config.auth.issuer) jwt = jwt.setIssuer(config.auth.issuer);
  if (config.auth.audience) jwt = jwt.setAudience(config.auth.audience);
  return jwt.sign(new TextEncoder().encode(config.auth.jwtSecret));
}
